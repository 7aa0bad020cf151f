namespace Bomax.Engine.Grid;

/// <summary>A finished evaluation: the score of one cell, with its standard error when the evaluator reports one.</summary>
public sealed record Observation(Cell Cell, double Score, double? StandardError = null)
{
    /// <summary>Whether a standard error above 0 came with the score: only such a one counts as the score's noise.</summary>
    public bool HasStandardError => StandardError is > 0;
}
