using static TorchSharp.torch;

namespace Bomax.Engine.Model;

/// <summary>
/// Numbers as 0-dimensional tensors for arithmetic with tensors. TorchSharp turns a bare <c>double</c> in
/// <c>tensor * 0.5</c> into a Scalar that nothing references while the native call runs, so a garbage
/// collection (triggered by any thread, the runtime's own included) can finalise it mid-call ("Unknown
/// scalar type", "Expected false to be true … toDouble"). A tensor made here belongs to the caller's
/// dispose scope, which keeps it alive until the scope ends.
/// </summary>
internal static class Constants
{
    /// <summary><paramref name="value"/> with the dtype and device of <paramref name="like"/>.</summary>
    public static Tensor Const(double value, Tensor like) => tensor(value, dtype: like.dtype, device: like.device);
}
