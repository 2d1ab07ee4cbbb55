using FedTransfer.Federation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Configuration;

/// <summary>Stops the site at start on a <c>Site:</c> key that binds to nothing (a typo would leave its default in force).</summary>
internal sealed class SiteSettingsKeysValidator(IConfiguration configuration) : IValidateOptions<SiteOptions>
{
    public ValidateOptionsResult Validate(string? name, SiteOptions options)
    {
        var keys = configuration.GetSection(SiteOptions.SectionName).AsEnumerable(makePathsRelative: true).Select(kv => kv.Key);
        var errors = UnknownSettings.Find(SiteOptions.SectionName, typeof(SiteOptions), keys);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
