using FedTransfer.Cli;

NativeEnvironment.Prepare();
return await FedTransferCommand.Build().Parse(args).InvokeAsync();
