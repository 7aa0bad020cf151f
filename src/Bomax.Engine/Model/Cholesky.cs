using TorchSharp;
using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Model;

/// <summary>Cholesky factorisation with escalating diagonal jitter when the matrix is not numerically positive definite.</summary>
internal static class Cholesky
{
    static readonly double[] RelativeJitter = { 0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2 };

    /// <summary>Lower factor L of <c>n x n</c> matrix <paramref name="matrix"/> (+ jitter·mean(diag)·I when needed).</summary>
    public static Tensor Factor(Tensor matrix) => FactorWithJitter(matrix).Factor;

    /// <summary>As <see cref="Factor"/>, with the jitter it added to the diagonal (0 when none was needed).</summary>
    public static (Tensor Factor, double Jitter) FactorWithJitter(Tensor matrix)
    {
        var scale = matrix.diagonal().mean().item<double>();
        if (!double.IsFinite(scale)) throw new ModelFitException("the covariance matrix has non-finite entries");
        var eye = torch.eye(matrix.shape[0], dtype: matrix.dtype, device: matrix.device);
        foreach (var relative in RelativeJitter)
        {
            double jitter = relative * Math.Max(scale, 1e-12);
            var attempt = relative == 0 ? matrix : matrix + eye * Const(jitter, matrix);
            var (factor, info) = linalg.cholesky_ex(attempt);
            if (info.max().item<int>() == 0) return (factor, relative == 0 ? 0.0 : jitter);
        }
        throw new ModelFitException("the covariance matrix is not positive definite even with jitter");
    }
}

/// <summary>The model could not be fitted or conditioned (a typed failure, not a bug).</summary>
public sealed class ModelFitException(string message) : Exception(message);
