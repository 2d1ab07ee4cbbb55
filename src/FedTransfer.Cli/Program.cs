using FedTransfer.Cli;

return await FedTransferCommand.Build().Parse(args).InvokeAsync();
