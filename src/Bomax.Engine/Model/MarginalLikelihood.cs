using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Model;

/// <summary>
/// Negative log marginal likelihood plus the weak priors, and its gradient with respect to the raw
/// hyperparameters. The gradient uses dNLL/dK = ½(K⁻¹ − ααᵀ) fed back through the kernel's
/// construction, which is several times cheaper than autograd through the Cholesky factor.
/// </summary>
internal static class MarginalLikelihood
{
    public static (double Value, double[] Gradient) Evaluate(TrainingSet data, Hyperparameters layout, double[] raw, EngineOptions options)
    {
        using var scope = NewDisposeScope();
        var theta = tensor(raw, dtype: float64, device: data.Device).requires_grad_(true);
        var kernel = IcmKernel.Decode(theta, layout, options);
        var k = kernel.Train(data);
        double value;
        Tensor surrogate;
        using (no_grad())
        {
            var factor = Cholesky.Factor(k.detach());
            var alpha = cholesky_solve(data.Scores.unsqueeze(1), factor);
            var inverse = cholesky_inverse(factor);
            // ½(K⁻¹ − ααᵀ) as written: computed in place in K⁻¹ (addr_) it saved two temporaries but rounded otherwise,
            // and the fits' paths, then picks, moved on the shared table (5 %, seeds 3, 7, 9).
            var g = (inverse - alpha.matmul(alpha.T)) * Const(0.5, inverse);
            value = 0.5 * data.Scores.dot(alpha.squeeze(1)).item<double>()
                + factor.diagonal().log().sum().item<double>()
                + 0.5 * data.Count * Math.Log(2 * Math.PI);
            surrogate = g;
        }
        var prior = kernel.NegativeLogPrior();
        var objective = (k * surrogate).sum() + prior;
        objective.backward();
        value += prior.item<double>();
        var gradient = theta.grad!.cpu().data<double>().ToArray();
        return (value, gradient);
    }
}
