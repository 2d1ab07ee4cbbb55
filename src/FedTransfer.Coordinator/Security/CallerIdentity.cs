using FedTransfer.Federation.Identity;
using Grpc.Core;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// Who is calling, as <see cref="CallerAuthorization"/> established it from the client certificate before the handler
/// ran. Absent on plaintext development calls without a certificate.
/// </summary>
internal sealed record CallerIdentity(string Name, ParticipantRole Role, string Subject)
{
    private static readonly object Key = typeof(CallerIdentity);

    /// <summary>The certified caller of <paramref name="context"/>, or null when it presented no certificate (development).</summary>
    public static CallerIdentity? Of(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) ? value as CallerIdentity : null;

    /// <summary>Attaches the identity to the call for its handler.</summary>
    public void AttachTo(ServerCallContext context) => context.UserState[Key] = this;
}
