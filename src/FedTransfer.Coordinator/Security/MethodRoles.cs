using FedTransfer.Federation.Identity;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// Which certificate role may call which method: the whole table in one place. Per-object rules (which artifact, which
/// task) sit in <see cref="SiteObjectAccess"/>, which needs the data.
/// </summary>
internal static class MethodRoles
{
    /// <summary>The health service answers anyone: probes carry no certificate and it tells nothing but SERVING.</summary>
    private const string HealthPrefix = "/grpc.health.v1.Health/";
    private const string FederationPrefix = "/fedtransfer.v1.Federation/";
    private const string AdminPrefix = "/fedtransfer.v1.Admin/";
    private static readonly string[] ReflectionPrefixes = ["/grpc.reflection.v1.ServerReflection/", "/grpc.reflection.v1alpha.ServerReflection/"];
    private static readonly ParticipantRole[] Sites = [ParticipantRole.Site];
    private static readonly ParticipantRole[] Admins = [ParticipantRole.Admin];
    private static readonly ParticipantRole[] Readers = [ParticipantRole.Admin, ParticipantRole.Auditor];

    /// <summary>Admin methods that only read: auditors may call them too.</summary>
    private static readonly HashSet<string> ReadOnlyAdmin = new(StringComparer.Ordinal) { AdminPrefix + "GetStatus", AdminPrefix + "WatchRun" };

    /// <summary>True for methods anyone may call.</summary>
    public static bool IsPublic(string method) => method.StartsWith(HealthPrefix, StringComparison.Ordinal);

    /// <summary>True for the central team's methods (the Admin service and reflection), which the admin token also guards.</summary>
    public static bool IsAdmin(string method) =>
        method.StartsWith(AdminPrefix, StringComparison.Ordinal) || ReflectionPrefixes.Any(p => method.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The roles that may call <paramref name="method"/>; empty for a method nobody may call.</summary>
    public static IReadOnlyList<ParticipantRole> AllowedFor(string method) =>
        method.StartsWith(FederationPrefix, StringComparison.Ordinal) ? Sites
        : ReadOnlyAdmin.Contains(method) ? Readers
        : IsAdmin(method) ? Admins
        : [];
}
