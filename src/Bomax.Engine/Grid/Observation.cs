namespace Bomax.Engine.Grid;

/// <summary>A finished evaluation: the score of one cell, with its standard error when the evaluator reports one.</summary>
public sealed record Observation(Cell Cell, double Score, double? StandardError = null);
