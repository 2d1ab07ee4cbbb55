namespace FedTransfer.Federation.Ledger;

/// <summary>Rotation into size-limited segments, the chain continued across them (<see cref="LedgerSegments"/>).</summary>
public sealed partial class LedgerWriter
{
    private long _maxSegmentBytes;
    private long _segmentFirst;

    // Closes the active segment under its closed name and opens the next with a segment record chained to it. Called
    // with the gate held, after the record that filled the segment is durable: a failure here loses nothing, but
    // stops the writer (the next append refuses); on restart Open finds the closed segment and goes on from it.
    private void Rotate()
    {
        var closedName = LedgerSegments.ClosedName(Path, _segmentFirst);
        try
        {
            _file.Dispose();
            File.Move(Path, System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, closedName), overwrite: false);
            _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            _length = 0;
            OpenSegment(closedName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _faulted = true;
        }
    }

    private void OpenSegment(string previousFile)
    {
        _segmentFirst = _next;
        Append(new LedgerRecord
        {
            Kind = LedgerKinds.Segment,
            Segment = new LedgerSegment(_key.Site, _key.CertificatePem, _key.PublicKeyPem, LedgerVerifier.EcdsaP256, previousFile),
        });
    }

    // The closed segment the chain goes on from after a rotation cut short: its tail is checked as the active file's is.
    private static (long Next, string Previous, long First) ContinueClosed(string closedPath, LedgerSigningKey key)
    {
        using var closed = new FileStream(closedPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        if (closed.Length == 0 || LedgerTail.EndOfLastCompleteLine(closed) != closed.Length)
            throw Damaged(closedPath, "this closed segment is empty or ends in an unfinished line");
        return Continue(closedPath, closed, key, closed.Length);
    }
}
