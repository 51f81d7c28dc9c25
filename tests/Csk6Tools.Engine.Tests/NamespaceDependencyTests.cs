using System.Reflection;
using System.Reflection.Emit;

namespace Csk6Tools.Engine.Tests;

/// <summary>
/// The engine's namespaces depend on each other in one direction: each has a layer, and every type reference
/// (signatures, locals and the tokens of every method body) points to a lower layer. A new namespace must be given
/// a layer here; an upward reference (a cycle in the making) fails with the types that make it.
/// </summary>
public class NamespaceDependencyTests
{
    private const string Root = "Csk6Tools.Engine";

    /// <summary>Lower layers first; a namespace may use only those of lower layers.</summary>
    private static readonly Dictionary<string, int> Layer = new()
    {
        [Root] = 0,
        ["Quant"] = 1, ["Data"] = 1, ["Graph"] = 1, ["Target"] = 1,
        ["Model"] = 2, ["Zoo"] = 2, ["Imaging"] = 2, ["Deploy"] = 2,
        ["Transforms"] = 3, ["Onnx"] = 3, ["Package"] = 3, ["PyTorch"] = 3,
        ["Budget"] = 4, ["Inference"] = 4,
        ["Search"] = 5,
    };

    [Fact]
    public void EveryReferencePointsToALowerLayer()
    {
        var dependencies = Dependencies(typeof(ErrorIds).Assembly);
        Assert.All(dependencies.Keys, ns => Assert.True(Layer.ContainsKey(ns),
            $"Namespace {ns} has no layer in {nameof(NamespaceDependencyTests)}."));
        var upward = dependencies
            .SelectMany(d => d.Value
                .Where(e => Layer[e.Key] >= Layer[d.Key])
                .Select(e => $"{d.Key} → {e.Key} ({e.Value})"))
            .ToList();
        Assert.True(upward.Count == 0, "References that do not point down:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void TheAnalysisSeesReferencesInSignaturesAndMethodBodies()
    {
        var dependencies = Dependencies(typeof(ErrorIds).Assembly);
        // PackageBuilder.Build calls DeployGraph.Lower (a method body); Int8Engine's constructor takes a ThinkerPackage
        // (a signature).
        Assert.Contains("Deploy", dependencies["Package"].Keys);
        Assert.Contains("Package", dependencies["Inference"].Keys);
        Assert.Contains(Root, dependencies["Graph"].Keys);
        Assert.DoesNotContain("Inference", dependencies["Package"].Keys);
    }

    /// <summary>Engine namespace (its first part below the root) → namespaces it uses → one example of the
    /// use.</summary>
    private static Dictionary<string, Dictionary<string, string>> Dependencies(Assembly assembly)
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in assembly.GetTypes())
        {
            if (Part(type) is not { } from) continue;
            var uses = result.TryGetValue(from, out var u) ? u : result[from] = [];
            foreach (var (used, where) in References(type))
                if (Part(used) is { } to && to != from)
                    uses.TryAdd(to, $"{type.Name} {where} uses {used.Name}");
        }
        return result;
    }

    private static string? Part(Type type)
    {
        string ns = type.Namespace ?? "";
        if (ns == Root) return Root;
        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;
    }

    private static IEnumerable<(Type Used, string Where)> References(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
            BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) foreach (var t in Expand(b)) yield return (t, "base");
        foreach (var i in type.GetInterfaces()) foreach (var t in Expand(i)) yield return (t, "interface");
        foreach (var f in type.GetFields(all)) foreach (var t in Expand(f.FieldType)) yield return (t, f.Name);
        foreach (var p in type.GetProperties(all)) foreach (var t in Expand(p.PropertyType)) yield return (t, p.Name);
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            var signature = m.GetParameters().Select(p => p.ParameterType);
            if (m is MethodInfo mi) signature = signature.Append(mi.ReturnType);
            foreach (var t in signature.SelectMany(Expand)) yield return (t, m.Name);
            var body = m.GetMethodBody();
            if (body is null) continue;
            foreach (var t in body.LocalVariables.SelectMany(l => Expand(l.LocalType))) yield return (t, m.Name);
            foreach (var t in Tokens(m, body.GetILAsByteArray() ?? []).SelectMany(Expand)) yield return (t, m.Name);
        }
    }

    /// <summary>A type with its element and generic argument types.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType) return Expand(type.GetElementType()!);
        if (type.IsGenericParameter) return [];
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Expand).Prepend(type) : [type];
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types that the field, method, type and token operands of a method body name.</summary>
    private static IEnumerable<Type> Tokens(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType
                    or OperandType.InlineTok:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    i += 4;
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case FieldInfo f: yield return f.DeclaringType!; yield return f.FieldType; break;
                        case MethodInfo m:
                            yield return m.DeclaringType!;
                            yield return m.ReturnType;
                            foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : []) yield return a;
                            break;
                        case MethodBase c: yield return c.DeclaringType!; break;
                    }
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
