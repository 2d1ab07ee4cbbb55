using FedTransfer.Cli;

NativeEnvironment.Prepare();
ConsoleWidth.Apply();
return await FedTransferCommand.Build().Parse(args).InvokeAsync();
