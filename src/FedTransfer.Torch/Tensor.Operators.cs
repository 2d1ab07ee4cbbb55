namespace FedTransfer.Torch;

// Operators. Each result is a new tensor registered with the current dispose scope, like any other op's.
public sealed partial class Tensor
{
    /// <summary>Element-wise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Add(b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.Add(a);

    /// <summary>Element-wise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);

    /// <summary>scalar − tensor.</summary>
    public static Tensor operator -(double a, Tensor b) =>
        Wrap(Native.NativeMethods.ft_rsub_scalar(b.Handle, a), b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Element-wise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);

    /// <summary>Element-wise division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Div(b);

    /// <summary>scalar ÷ tensor.</summary>
    public static Tensor operator /(double a, Tensor b) =>
        Wrap(Native.NativeMethods.ft_rdiv_scalar(b.Handle, a), b);
}
