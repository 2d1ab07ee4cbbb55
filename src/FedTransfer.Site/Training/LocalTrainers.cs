using FedTransfer.Site.Configuration;
using FedTransfer.Site.LocalData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site.Training;

/// <summary>
/// The site's libtorch trainer outside the site host, for in-process simulations that must train exactly as a real
/// site does (same data reading and split, model factory, training loop, delta) — e.g. <c>fedtransfer experiment</c>.
/// </summary>
public static class LocalTrainers
{
    /// <summary>
    /// A trainer over the data in <see cref="SiteOptions.DataDirectory"/>, split by <see cref="SiteOptions.ValidationFraction"/>
    /// and <see cref="SiteOptions.SplitSeed"/> as a site would split it. The options are validated as at site start.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static ILocalTrainer CreateTorch(SiteOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var check = new SiteOptionsValidator().Validate(null, options);
        if (check.Failed)
            throw new ArgumentException(string.Join("; ", check.Failures));
        var log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<TorchLocalTrainer>();
        return new TorchLocalTrainer(new SiteData(options), Options.Create(options), log);
    }
}
