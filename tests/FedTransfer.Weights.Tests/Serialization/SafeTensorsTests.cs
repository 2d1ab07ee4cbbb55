using System.Runtime.InteropServices;
using System.Text.Json;
using FedTransfer.Weights.Serialization;
using FedTransfer.TestSupport;
using static FedTransfer.Weights.Tests.Serialization.SafeTensorsTestFiles;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TensorRecord[] EveryDType()
    {
        var rng = new Random(1234);
        byte[] Bytes(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        return
        [
            new("f32", DType.Float32, [2, 3], Bytes(24)),
            new("f16", DType.Float16, [4], Bytes(8)),
            new("bf16", DType.BFloat16, [2, 2], Bytes(8)),
            new("i64", DType.Int64, [3], Bytes(24)),
            new("f64", DType.Float64, [1], Bytes(8)),
            new("i32", DType.Int32, [2], Bytes(8)),
            new("i16", DType.Int16, [2], Bytes(4)),
            new("i8", DType.Int8, [5], Bytes(5)),
            new("u8", DType.UInt8, [1, 1, 3], Bytes(3)),
            new("bool", DType.Bool, [2], new byte[] { 0, 1 }),
            new("scalar", DType.Float32, [], Bytes(4)),
            new("empty", DType.Float32, [0, 7], Array.Empty<byte>()),
        ];
    }

    private static readonly Dictionary<string, string> Meta = new() { ["format"] = "pt", ["round"] = "3", ["note"] = "ü+<é>" };

    [Fact]
    public void Serialize_EveryDTypeWithMetadata_RoundTrips()
    {
        var tensors = EveryDType();

        var file = SafeTensors.Read(SafeTensors.Serialize(tensors, Meta));

        Assert.Equal(Meta, file.Metadata);
        Assert.Equal(tensors.Length, file.Count);
        foreach (var t in tensors)
        {
            var r = file[t.Name];
            Assert.Equal(t.DType, r.DType);
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data.ToArray(), r.Data.ToArray());
        }
    }

    [Fact]
    public void Serialize_SameTensorsInAnyOrder_IdenticalBytesSortedByName()
    {
        var tensors = EveryDType();

        var a = SafeTensors.Serialize(tensors, Meta);
        var b = SafeTensors.Serialize(tensors.Reverse(), new Dictionary<string, string>(Meta.Reverse()));

        Assert.Equal(a, b);
        var names = SafeTensors.Read(a).Tensors.Select(t => t.Name).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Serialize_HeaderPaddedToEightBytes()
    {
        var bytes = SafeTensors.Serialize([TensorRecord.Create<byte>("x", [1], 1)]);

        var n = BitConverter.ToUInt64(bytes, 0);

        Assert.Equal(0UL, n % 8);
        Assert.Equal((byte)' ', bytes[8 + (int)n - 1]);
        Assert.Equal(8 + (int)n + 1, bytes.Length);
    }

    [Fact]
    public void Serialize_DataLengthNotMatchingShape_ThrowsNamingTensor()
    {
        var bad = new TensorRecord("w", DType.Float32, [3], new byte[8]);

        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([bad]));

        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void Serialize_DuplicateNames_Throws()
    {
        var t = TensorRecord.Create<float>("w", [1f], 1);

        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([t, t]));

        Assert.Contains("'w' appears twice", e.Message);
    }

    [Fact]
    public void Read_ByteArray_SlicesWithoutCopying()
    {
        var bytes = TwoTensors();

        var file = SafeTensors.Read(bytes);

        Assert.True(MemoryMarshal.TryGetArray(file["a"].Data, out var segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void Read_Empty_HasNoTensors()
    {
        var file = SafeTensors.Read(SafeTensors.Serialize([]));

        Assert.Equal(0, file.Count);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void WriteFile_ThenReadFile_RoundTripsAndLeavesNoTempFile()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        File.WriteAllText(path, "old content");

        SafeTensors.WriteFile(path, EveryDType(), Meta);
        var file = SafeTensors.ReadFile(path);

        Assert.Equal(path, file.FileName);
        Assert.Equal(EveryDType().Length, file.Count);
        Assert.Equal(SafeTensors.Serialize(EveryDType(), Meta), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ReadFile_Truncated_MessageNamesFileAndTensor()
    {
        var path = Path.Combine(_dir, "cut.safetensors");
        File.WriteAllBytes(path, TwoTensors()[..^4]);

        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.ReadFile(path));

        Assert.Contains(path, e.Message);
        Assert.Equal("b", e.TensorName);
    }

    [Fact]
    public void ReadHeader_SeekableStream_ReturnsEntriesAndStopsAtData()
    {
        using var stream = new MemoryStream(SafeTensors.Serialize(EveryDType(), Meta));

        var header = SafeTensors.ReadHeader(stream);

        Assert.Equal(header.DataOffset, stream.Position);
        Assert.Equal(stream.Length, header.FileLength);
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(new long[] { 2, 3 }, header["f32"].Shape);
        Assert.Equal(24, header["f32"].ByteLength);
    }

    [Fact]
    public void ReadTensorData_SeeksToEntry()
    {
        using var stream = new MemoryStream(TwoTensors());
        var header = SafeTensors.ReadHeader(stream);

        var data = SafeTensors.ReadTensorData(stream, header, header["b"]);

        Assert.Equal(7L, BitConverter.ToInt64(data));
    }

    [Fact]
    public void EnumerateTensors_ForwardOnlyStream_YieldsAllInOrder()
    {
        var bytes = SafeTensors.Serialize(EveryDType());
        using var stream = new ForwardOnlyStream(bytes);

        var records = SafeTensors.EnumerateTensors(stream).ToList();

        Assert.Equal(SafeTensors.Read(bytes).Tensors.Select(t => t.Name), records.Select(r => r.Name));
        Assert.Equal(EveryDType().Single(t => t.Name == "i64").Data.ToArray(), records.Single(r => r.Name == "i64").Data.ToArray());
    }

    [Fact]
    public void EnumerateTensors_ForwardOnlyStreamWithTrailingBytes_Throws()
    {
        using var stream = new ForwardOnlyStream([.. TwoTensors(), 0]);

        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.EnumerateTensors(stream, "up.bin").ToList());

        Assert.Contains("trailing garbage", e.Message);
        Assert.Equal("b", e.TensorName);
    }

    [Fact]
    public void EnumerateTensors_ForwardOnlyStreamTruncated_NamesTensor()
    {
        using var stream = new ForwardOnlyStream(TwoTensors()[..^1]);

        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.EnumerateTensors(stream).ToList());

        Assert.Equal("b", e.TensorName);
    }

    [PythonFact]
    public void Read_FileWrittenByPythonByHand_ValuesMatch()
    {
        var path = Path.Combine(_dir, "py.safetensors");
        const string script = """
import json, struct, sys, numpy as np
f32 = (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3)
f16 = np.array([1.5, -2.25, 65504], dtype=np.float16)
bf16 = (np.array([1.0, -3.5], dtype=np.float32).view(np.uint32) >> 16).astype('<u2')
i64 = np.array([-(2**40), 3], dtype='<i8')
parts = [('z_f32', 'F32', [2, 3], f32.astype('<f4')), ('b_f16', 'F16', [3], f16.astype('<f2')),
         ('m_bf16', 'BF16', [2], bf16), ('a_i64', 'I64', [2], i64)]
header, data, off = {'__metadata__': {'framework': 'numpy'}}, b'', 0
for name, dt, shape, arr in parts:
    raw = arr.tobytes()
    header[name] = {'dtype': dt, 'shape': shape, 'data_offsets': [off, off + len(raw)]}
    data += raw; off += len(raw)
h = json.dumps(header).encode()
h += b' ' * (-len(h) % 8)
open(sys.argv[1], 'wb').write(struct.pack('<Q', len(h)) + h + data)
""";

        var (code, output) = ReferencePython.Run(script, path);
        var file = SafeTensors.ReadFile(path);

        Assert.True(code == 0, output);
        Assert.Equal("numpy", file.Metadata["framework"]);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, 1.5f], file["z_f32"].ToArray<float>());
        Assert.Equal([1.5f, -2.25f, 65504f], file["b_f16"].ToSingles());
        Assert.Equal([1f, -3.5f], file["m_bf16"].ToSingles());
        Assert.Equal([-(1L << 40), 3L], file["a_i64"].ToArray<long>());
        Assert.Equal(["z_f32", "b_f16", "m_bf16", "a_i64"], file.Tensors.Select(t => t.Name));
    }

    [PythonFact]
    public void Serialize_ReadByNumpyAtHeaderOffsets_ValuesMatch()
    {
        var path = Path.Combine(_dir, "ours.safetensors");
        SafeTensors.WriteFile(path,
        [
            TensorRecord.Create<float>("w", [0.25f, -8f, 3.5f, 1e-3f], 2, 2),
            TensorRecord.FromSingles("h", [1.5f, -2.25f], DType.Float16, 2),
            TensorRecord.FromSingles("bf", [1f, -3.5f, 0.15625f], DType.BFloat16, 3),
            TensorRecord.Create<long>("n", [5L, -6L], 2),
        ], new Dictionary<string, string> { ["k"] = "v" });
        const string script = """
import json, struct, sys, numpy as np
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
assert (8 + n) % 8 == 0, 'data not 8-byte aligned'
h = json.loads(b[8:8 + n]); d = b[8 + n:]
def arr(name, dt):
    s, e = h[name]['data_offsets']
    return np.frombuffer(d[s:e], dtype=dt).reshape(h[name]['shape'])
assert h['__metadata__'] == {'k': 'v'}, h['__metadata__']
assert np.array_equal(arr('w', '<f4'), np.array([[0.25, -8], [3.5, 1e-3]], dtype=np.float32))
assert np.array_equal(arr('h', '<f2'), np.array([1.5, -2.25], dtype=np.float16))
bf = (arr('bf', '<u2').astype(np.uint32) << 16).view(np.float32)
assert np.array_equal(bf, np.array([1, -3.5, 0.15625], dtype=np.float32)), bf
assert np.array_equal(arr('n', '<i8'), np.array([5, -6]))
assert [k for k in h if k != '__metadata__'] == sorted(['w', 'h', 'bf', 'n'])
assert max(v['data_offsets'][1] for k, v in h.items() if k != '__metadata__') == len(d)
print('OK')
""";

        var (code, output) = ReferencePython.Run(script, path);

        Assert.True(code == 0, output);
        Assert.Equal("OK", output.Trim());
    }

    /// <summary>A stream that cannot seek or report its length, like a network or gzip stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
