using FedTransfer.Federation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>Stops the coordinator at start on a <c>Coordinator:</c> key that binds to nothing (the review's <c>DataDirecotry</c>).</summary>
internal sealed class CoordinatorSettingsKeysValidator(IConfiguration configuration) : IValidateOptions<CoordinatorOptions>
{
    public ValidateOptionsResult Validate(string? name, CoordinatorOptions options)
    {
        var section = configuration.GetSection(CoordinatorOptions.SectionName).AsEnumerable(makePathsRelative: true).Select(kv => kv.Key);
        var errors = UnknownSettings.Find(CoordinatorOptions.SectionName, typeof(CoordinatorOptions), section);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
