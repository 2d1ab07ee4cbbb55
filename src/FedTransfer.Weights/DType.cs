namespace FedTransfer.Weights;

/// <summary>Element type of a tensor. The numeric values are libtorch's <c>c10::ScalarType</c> codes so they cross the native boundary unchanged.</summary>
public enum DType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 1,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 2,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 3,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 4,
    /// <summary>IEEE 754 half precision.</summary>
    Float16 = 5,
    /// <summary>IEEE 754 single precision.</summary>
    Float32 = 6,
    /// <summary>IEEE 754 double precision.</summary>
    Float64 = 7,
    /// <summary>Boolean stored as one byte.</summary>
    Bool = 11,
    /// <summary>Brain floating point: the upper 16 bits of a float32.</summary>
    BFloat16 = 15,
}
