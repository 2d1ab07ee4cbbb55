namespace FedTransfer.Cli.Provisioning;

/// <summary>
/// Where <c>fedtransfer provision</c> puts things (contract 3): <c>ca/{ca.pem,ca.key.pem}</c>,
/// <c>coordinator/{cert.pem,key.pem,ca.pem,coordinator.appsettings.json}</c>,
/// <c>sites/NAME/{cert.pem,key.pem,ca.pem,site.appsettings.json}</c>, <c>admins/NAME/{cert.pem,key.pem,ca.pem}</c>,
/// <c>auditors/NAME/{cert.pem,key.pem,ca.pem}</c>.
/// </summary>
internal sealed record KitLayout(string Root)
{
    public const string CertificateFile = "cert.pem";
    public const string KeyFile = "key.pem";
    public const string CaFile = "ca.pem";
    public const string CoordinatorConfigFile = "coordinator.appsettings.json";
    public const string SiteConfigFile = "site.appsettings.json";
    public const string RevocationListFile = "revoked.crl.pem";

    /// <summary>The sub-folders provisioning owns; <c>--force</c> replaces exactly these.</summary>
    public static readonly string[] Folders = ["ca", "coordinator", "sites", "admins", "auditors"];

    public string CaDirectory => Path.Combine(Root, "ca");
    public string CaCertificate => Path.Combine(CaDirectory, "ca.pem");
    public string CaKey => Path.Combine(CaDirectory, "ca.key.pem");
    public string CoordinatorDirectory => Path.Combine(Root, "coordinator");

    /// <summary>Written by <c>fedtransfer revoke</c>, named by the coordinator's kit settings (absent until something is revoked).</summary>
    public string RevocationList => Path.Combine(CoordinatorDirectory, RevocationListFile);
    public string Site(string name) => Path.Combine(Root, "sites", name);
    public string Admin(string name) => Path.Combine(Root, "admins", name);
    public string Auditor(string name) => Path.Combine(Root, "auditors", name);
}
