using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Hidden <c>fedtransfer bench-audit</c> (bench/audit.sh): writes a ledger of N signed records shaped like a real site's
/// (per round: task, pull, fetch, push of an 18-tensor LoRA delta, coordinator-signed receipt) under a throwaway CA,
/// then times <c>audit verify</c> of it with the CA, on the calling thread or on several.
/// </summary>
internal static class BenchAuditCommand
{
    private const int RecordsPerRound = 5;

    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "Records in the generated ledger", DefaultValueFactory = _ => 100_000 };
        var work = new Option<string?>("--work") { Description = "Folder for the ledger (default: a temporary folder, removed afterwards)" };
        var reuse = new Option<bool>("--reuse") { Description = "Verify the ledger an earlier run left in --work instead of writing one" };
        var parallelism = new Option<int>("--parallelism") { Description = "Verification threads (1: all on the calling thread)", DefaultValueFactory = _ => 1 };
        var every = new Option<bool>("--every-signature") { Description = "Verify every record's own signature, not only the checkpoints'" };
        var metric = new Option<string>("--metric") { Description = "Name of the records/s line printed last", DefaultValueFactory = _ => "audit_verify_records_per_s" };
        var command = new Command("bench-audit", "Time ledger verification (used by bench/audit.sh)") { Hidden = true };
        foreach (var option in new Option[] { records, work, reuse, parallelism, every, metric }) command.Options.Add(option);
        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(_ => Run(r.GetValue(records), r.GetValue(work), r.GetValue(reuse),
            new LedgerVerifierOptions { Parallelism = Math.Max(1, r.GetValue(parallelism)), EverySignature = r.GetValue(every) }, r.GetValue(metric)!), ct));
        return command;
    }

    private static int Run(int records, string? work, bool reuse, LedgerVerifierOptions options, string metric)
    {
        var folder = work ?? Path.Combine(Path.GetTempPath(), "fedtransfer-bench-audit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var caFile = Path.Combine(folder, "ca.pem");
            var ledger = Path.Combine(folder, "ledger.jsonl");
            if (!reuse || !File.Exists(ledger) || !File.Exists(caFile))
            {
                using var ca = Authority();
                using var site = Issue(ca, "bench-site", "site");
                using var coordinator = Issue(ca, "coordinator", "coordinator");
                File.WriteAllText(caFile, ca.ExportCertificatePem());
                File.Delete(ledger);
                File.Delete(ledger + ".lock");
                var generate = Stopwatch.StartNew();
                Generate(ledger, site, coordinator, records);
                Console.WriteLine($"generated {records} records ({new FileInfo(ledger).Length / 1e6:F1} MB) in {generate.Elapsed.TotalSeconds:F1} s");
            }

            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var verification = new LedgerVerifier(CertificateTrust.FromPemFile(caFile), options).Verify(ledger);
            var seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            if (!verification.IsValid) throw new InvalidOperationException($"the generated ledger did not verify: {verification.Failure}");
            var siteSignatures = options.EverySignature ? verification.Records : (verification.Records + LedgerVerifier.CheckpointInterval - 1) / LedgerVerifier.CheckpointInterval;
            Console.WriteLine($"verified {verification.Records} records ({siteSignatures} site and {verification.Receipts} coordinator ECDSA P-256 signatures" +
                $"{(options.EverySignature ? ", every record's own" : ", site ones at checkpoints")}) on {options.Parallelism} thread(s) " +
                $"in {seconds:F2} s wall, {cpu:F2} s CPU");
            Console.WriteLine($"{metric}_cpu={(verification.Records / cpu).ToString("F0", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"{metric}={(verification.Records / seconds).ToString("F0", CultureInfo.InvariantCulture)}");
            return 0;
        }
        finally
        {
            if (work is null) Directory.Delete(folder, recursive: true);
        }
    }

    private static void Generate(string path, X509Certificate2 site, X509Certificate2 coordinator, int records)
    {
        var certFile = path + ".site.pem";
        var keyFile = path + ".site.key";
        File.WriteAllText(certFile, site.ExportCertificatePem());
        File.WriteAllText(keyFile, site.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        using var key = LedgerSigningKey.FromCertificate(certFile, keyFile);
        using var coordinatorKey = coordinator.GetECDsaPrivateKey()!;
        var coordinatorPem = coordinator.ExportCertificatePem();
        using var writer = LedgerWriter.Open(path, key, syncEachRecord: false);
        var trainable = Trainable();
        const string federation = "lora:r=8,alpha=16,targets=attn.qkv|attn.proj on 3f2a9c0d1e7b";
        var payloadBytes = trainable.Sum(t => t.Bytes) + 2048;
        for (var round = 1; writer.NextSequence < records; round++)
        {
            var task = $"task-{round:D6}-bench-site";
            var sha = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(round)));
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var receiptBytes = ReceiptSigning.CanonicalBytes(task, "bench-site", "run-1", round, "accepted", sha, payloadBytes, now);
            LedgerRecord[] batch =
            [
                new() { Kind = LedgerKinds.Task, Federation = federation, RunId = "run-1", Round = round, TaskId = task,
                    TaskInfo = new LedgerTaskInfo("train", new string('3', 64), "lora:r=8,alpha=16,targets=attn.qkv|attn.proj", "float32", trainable) },
                new() { Kind = LedgerKinds.Pull, Destination = "https://coordinator.example:7443", Decision = LedgerFormat.Sent, Summary = "wait 20000 ms" },
                new() { Kind = LedgerKinds.Fetch, Destination = "https://coordinator.example:7443", Decision = LedgerFormat.Sent, Summary = $"{sha} from offset 0" },
                new() { Kind = LedgerKinds.Push, Federation = federation, RunId = "run-1", Round = round, TaskId = task, Destination = "https://coordinator.example:7443",
                    Decision = LedgerFormat.Sent, Tensors = trainable, PayloadSha256 = sha, PayloadBytes = payloadBytes, Encoding = "float32" },
                new() { Kind = LedgerKinds.Receipt, Federation = federation, RunId = "run-1", Round = round, TaskId = task,
                    Receipt = new LedgerReceipt(task, "bench-site", "run-1", round, "accepted", "", sha, payloadBytes, now, false,
                        Convert.ToBase64String(ReceiptSigning.Sign(coordinatorKey, receiptBytes)), coordinatorPem) },
            ];
            foreach (var record in batch.Take((int)Math.Min(RecordsPerRound, records - writer.NextSequence))) writer.Append(record);
        }
        File.Delete(certFile);
        File.Delete(keyFile);
    }

    // A ViT-small-like LoRA adapter: 4 blocks x (qkv, proj) x (a, b) + head: 18 tensors.
    private static LedgerTensor[] Trainable()
    {
        var list = new List<LedgerTensor>();
        for (var b = 0; b < 4; b++)
        {
            foreach (var (target, outDim) in new[] { ("attn.qkv", 576), ("attn.proj", 192) })
            {
                list.Add(new LedgerTensor($"blocks.{b}.{target}.lora_a", "F32", [8, 192], 8 * 192 * 4));
                list.Add(new LedgerTensor($"blocks.{b}.{target}.lora_b", "F32", [outDim, 8], outDim * 8 * 4));
            }
        }
        list.Add(new LedgerTensor("head.bias", "F32", [10], 40));
        list.Add(new LedgerTensor("head.weight", "F32", [10, 192], 7680));
        return [.. list.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    private static X509Certificate2 Authority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, string role)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, OU={role}", key, HashAlgorithmName.SHA256);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
