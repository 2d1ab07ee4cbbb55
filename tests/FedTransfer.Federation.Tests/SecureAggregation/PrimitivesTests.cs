using System.Security.Cryptography;
using FedTransfer.Federation.SecureAggregation;

namespace FedTransfer.Federation.Tests.SecureAggregation;

public class ShamirSharingTests
{
    [Fact]
    public void Combine_AnyThresholdShares_RecoverTheSecret_FewerDoNot()
    {
        var secret = new byte[32];
        new Random(3).NextBytes(secret);
        var shares = ShamirSharing.Split(secret, [1, 2, 3, 4, 5, 6, 7], threshold: 4);

        foreach (var pick in new[] { new[] { 0, 1, 2, 3 }, [6, 4, 2, 0], [1, 3, 5, 6], [0, 1, 2, 3, 4, 5, 6] })
            Assert.Equal(secret, ShamirSharing.Combine(pick.Select(i => shares[i]).ToArray(), 32));
        var three = new[] { shares[0], shares[1], shares[2] };
        var wrong = Record.Exception(() => ShamirSharing.Combine(three, 32)) is null ? ShamirSharing.Combine(three, 32) : null;
        Assert.NotEqual(secret, wrong);
    }

    [Fact]
    public void EncodeDecode_RoundTripsAFieldElement()
    {
        var share = ShamirSharing.Split(RandomNumberGenerator.GetBytes(32), [9, 10], 2)[0];

        Assert.Equal(share.Y, ShamirSharing.Decode(ShamirSharing.Encode(share.Y)));
        Assert.Throws<ArgumentException>(() => ShamirSharing.Decode(new byte[ShamirSharing.ShareBytes - 1]));
    }
}

public class FixedPointRingTests
{
    [Fact]
    public void SumOfMaxSitesAtTheBound_DoesNotWrap()
    {
        var ring = new FixedPointRing(bound: 0.5, maxSites: 50);
        var sumHigh = 0u;
        var sumLow = 0u;
        for (var i = 0; i < 50; i++)
        {
            sumHigh = unchecked(sumHigh + ring.EncodeOne(0.5));
            sumLow = unchecked(sumLow + ring.EncodeOne(-0.5));
        }

        Assert.InRange(ring.DecodeOne(sumHigh), 25 - ring.SumErrorBound, 25 + ring.SumErrorBound);
        Assert.InRange(ring.DecodeOne(sumLow), -25 - ring.SumErrorBound, -25 + ring.SumErrorBound);
    }

    [Fact]
    public void Encode_ClampsOutOfBoundValues_AndRefusesNaN()
    {
        var ring = new FixedPointRing(bound: 1, maxSites: 4);
        var encoded = new uint[2];

        ring.Encode([7f, -7f], encoded);

        Assert.Equal(1.0, ring.DecodeOne(encoded[0]), 6);
        Assert.Equal(-1.0, ring.DecodeOne(encoded[1]), 6);
        Assert.Throws<ArgumentException>(() => ring.Encode([float.NaN], new uint[1]));
    }
}

public class MaskExpansionTests
{
    [Fact]
    public void AddThenSubtract_SameSeed_CancelsExactly_AndDifferentSeedsDiffer()
    {
        var seed = new byte[32];
        new Random(5).NextBytes(seed);
        var values = Enumerable.Range(0, 70_001).Select(i => (uint)i).ToArray();
        var masked = values.ToArray();

        MaskExpansion.Add(seed, masked);
        var other = values.ToArray();
        seed[0] ^= 1;
        MaskExpansion.Add(seed, other);
        seed[0] ^= 1;
        MaskExpansion.Subtract(seed, masked.AsSpan());

        Assert.Equal(values, masked);
        Assert.True(other.Zip(values).Count(p => p.First == p.Second) < 5);
    }
}

public class RoundKeyPairTests
{
    [Fact]
    public void Agree_BothSidesDeriveTheSameSecret_PerLabel_AndFromAReconstructedKey()
    {
        using var a = RoundKeyPair.Generate();
        using var b = RoundKeyPair.Generate();
        using var rebuilt = RoundKeyPair.FromPrivate(a.ExportPrivateScalar(), a.PublicKey);

        Assert.Equal(a.Agree(b.PublicKey, "mask"), b.Agree(a.PublicKey, "mask"));
        Assert.Equal(a.Agree(b.PublicKey, "mask"), rebuilt.Agree(b.PublicKey, "mask"));
        Assert.NotEqual(a.Agree(b.PublicKey, "mask"), a.Agree(b.PublicKey, "share"));
        Assert.Throws<ArgumentException>(() => RoundKeyPair.FromPrivate(b.ExportPrivateScalar(), a.PublicKey));
    }
}

public class NeighbourGraphTests
{
    [Theory]
    [InlineData(5, 4)]
    [InlineData(10, 8)]
    [InlineData(50, 12)]
    [InlineData(200, 16)]
    public void Build_IsRegularAndSymmetric(int sites, int degree)
    {
        var ids = Enumerable.Range(0, sites).Select(i => $"s{i}").ToArray();

        var graph = NeighbourGraph.Build(ids, seed: 11, completeGraph: false);

        Assert.Equal(degree, graph.Degree);
        foreach (var id in ids)
        {
            var neighbours = graph.NeighboursOf(id);
            Assert.Equal(degree, neighbours.Count);
            Assert.DoesNotContain(id, neighbours);
            Assert.All(neighbours, n => Assert.True(graph.AreNeighbours(n, id)));
        }
    }
}
