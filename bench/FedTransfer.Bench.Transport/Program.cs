using FedTransfer.Bench.Transport;

// bench server [CERT KEY]                        -> serves fedtransfer.bench.Transport on 127.0.0.1:<free port> (TLS with
//                                                   CERT/KEY), prints "PORT n"
// bench client ADDR SIZE [RUNS] [PARTS] [CA]      -> measures against ADDR (https: trusting only CA) and prints key=value lines
return args switch
{
    ["server"] => await BenchServer.RunAsync(),
    ["server", var certificate, var key] => await BenchServer.RunAsync(certificate, key),
    ["client", var address, var size, ..] => await BenchClient.RunAsync(new Uri(address), long.Parse(size),
        args.Length > 3 ? int.Parse(args[3]) : 3, args.Length > 4 ? args[4] : "all", args.Length > 5 ? args[5] : null),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FedTransfer.Bench.Transport server [CERT KEY] | client http(s)://127.0.0.1:PORT SIZE_BYTES [RUNS] [all|download|upload|unary] [CA]");
    return 2;
}
