namespace Csk6Tools.Engine.Budget;

/// <summary>One broken rule: the layer, the rule, the value found, the limit, and what to do about it.</summary>
public sealed record BudgetViolation(string Layer, Csk6Rule Rule, string Value, string Limit,
    string Message, string Fix)
{
    public override string ToString() => $"{Layer}: {Message} Fix: {Fix}";
}
