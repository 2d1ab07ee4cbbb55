using FedTransfer.Coordinator.Tests.Support;
using Grpc.Reflection.V1Alpha;

namespace FedTransfer.Coordinator.Tests.Hosting;

public sealed class ReflectionTests
{
    [Fact]
    public async Task EnableReflection_ListsTheCoordinatorsServices()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path, new Dictionary<string, string?> { ["Coordinator:EnableReflection"] = "true" });
        using var call = new ServerReflection.ServerReflectionClient(coordinator.Channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(20));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();

        Assert.Contains("fedtransfer.v1.Federation", services);
        Assert.Contains("fedtransfer.v1.Admin", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
