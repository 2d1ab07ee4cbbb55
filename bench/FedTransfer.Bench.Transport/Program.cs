using FedTransfer.Bench.Transport;

// bench server            -> serves fedtransfer.bench.Transport on 127.0.0.1:<free port>, prints "PORT n"
// bench client ADDR SIZE  -> measures against ADDR and prints key=value lines
return args switch
{
    ["server"] => await BenchServer.RunAsync(),
    ["client", var address, var size, ..] => await BenchClient.RunAsync(new Uri(address), long.Parse(size),
        args.Length > 3 ? int.Parse(args[3]) : 3, args.Length > 4 ? args[4] : "all"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FedTransfer.Bench.Transport server | client http://127.0.0.1:PORT SIZE_BYTES [RUNS] [all|download|upload|unary]");
    return 2;
}
