namespace Bomax.Engine.Model;

/// <summary>Standard normal draws from a seeded <see cref="Random"/> (Box–Muller, two uniforms a draw), so a draw is the same on
/// every machine and .NET version that keeps <see cref="Random"/>'s seeded sequence.</summary>
internal static class StandardNormal
{
    public static double Draw(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
