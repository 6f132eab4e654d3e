// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

// End-to-end labeling round on a local chain:
// a requester escrows a budget for a slice of a real dataset, annotators (mostly honest, some spammers) stake,
// commit hidden labels and reveal them, consensus runs off chain, the settlement plan is computed with exact
// integer arithmetic, its Merkle root is posted, annotators claim, and the audit trail is read back.
//
//   dotnet run --project samples/TokenLabeling.Demo                      # starts its own anvil on 127.0.0.1
//   dotnet run --project samples/TokenLabeling.Demo -- --rpc URL --key 0x...   # any other node, one funded key
using System.Globalization;
using TokenLabeling.Demo;

try
{
    var options = DemoOptions.Parse(args);
    if (options.ShowHelp)
    {
        Console.WriteLine(DemoOptions.Usage);
        return 0;
    }

    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cts.Cancel();
    };
    await DemoRound.RunAsync(options, Console.Out, cts.Token);
    return 0;
}
catch (DemoException ex)
{
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo: {ex.Message}"));
    return 2;
}
