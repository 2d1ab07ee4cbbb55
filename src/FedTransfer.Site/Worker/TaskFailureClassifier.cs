using System.Runtime.InteropServices;
using FedTransfer.Contracts.V1;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Site.Training;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Worker;

/// <summary>
/// Turns the failure of a task's local work into the decline code the coordinator is told. Transport and session
/// failures never come here (the worker reconnects for those); everything here is a fault of this task on this site,
/// which the same task would meet again.
/// </summary>
internal static class TaskFailureClassifier
{
    public static DeclineReason Classify(Exception failure) => failure switch
    {
        TaskNotFeasibleException e => e.Reason,
        OutOfMemoryException or InsufficientExecutionStackException => DeclineReason.OutOfMemory,
        // libtorch reports allocation failures as native errors whose text names them; TorchSharp rethrows them as
        // ExternalException (or a plain Exception on older paths).
        _ when IsNativeOutOfMemory(failure) => DeclineReason.OutOfMemory,
        SafeTensorsFormatException or StateDictException => DeclineReason.IncompatibleBackbone,
        DataFormatException or IOException or UnauthorizedAccessException => DeclineReason.LocalFault,
        FormatException or ArgumentException => DeclineReason.InvalidTask,
        _ => DeclineReason.LocalFault,
    };

    private static bool IsNativeOutOfMemory(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is not (ExternalException or InvalidOperationException) && e.GetType() != typeof(Exception)) continue;
            var text = e.Message;
            if (text.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
                || text.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
                || text.Contains("DefaultCPUAllocator", StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
