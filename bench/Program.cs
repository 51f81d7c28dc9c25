using System.Diagnostics;
using Csk6Tools.Engine.Budget;
using Csk6Tools.Engine.Deploy;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Search;
using Csk6Tools.Engine.Target;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

// Budget speed: build and budget ResNet-152 (target: under 20 ms warm). The peer, measured in the same run, is
// the cheapest honest baseline: building the graph alone. The ratio says what the budget costs on top of it.
static double Median(Func<object> work, int runs)
{
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        GC.KeepAlive(work());
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}

// Warm means after the JIT has settled: .NET runs a method unoptimized first, then instrumented, and compiles it fully
// only after enough calls (seconds on a busy machine), so a handful of warm-up calls would still time the early tiers.
static void WarmUp(TimeSpan time, params Func<object>[] work)
{
    var clock = Stopwatch.StartNew();
    do
        foreach (var w in work) GC.KeepAlive(w());
    while (clock.Elapsed < time);
}

string demoFolder = Path.Combine(AppContext.BaseDirectory, "../../../../tests/fixtures/thinker-demo");
if (args.Contains("--engine"))   // the int8 engine against ONNX Runtime alone
{
    EngineBench.Run(demoFolder);
    return;
}

Console.WriteLine($"Csk6Tools budget benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
foreach (int depth in new[] { 18, 152 })
{
    var options = new ResNetOptions { Depth = depth };
    Func<object> build = () => ResNet.Create(options);
    Func<object> budget = () => BudgetCalculator.Measure(ResNet.Create(options));
    Func<object> planOnly = () => MemoryPlanner.Plan(DeployGraph.Lower(ResNet.Create(options)));
    WarmUp(TimeSpan.FromSeconds(3), build, budget, planOnly);
    double tBuild = Median(build, 31), tBudget = Median(budget, 31), tPlan = Median(planOnly, 31);
    var b = (ModelBudget)budget();
    Console.WriteLine($"resnet{depth}: build {tBuild:F2} ms, build + budget {tBudget:F2} ms " +
                      $"(lower + plan {tPlan:F2} ms), " +
                      $"budget/build ratio {tBudget / tBuild:F1}x; {b.Layers.Count} layers, " +
                      $"{b.ShareMemPlan.Tensors.Count} planned tensors");
    if (depth == 152)
        Console.WriteLine($"target: build + budget of ResNet-152 under 20 ms warm: " +
                          $"{(tBudget < 20 ? "met" : "NOT met")} ({tBudget:F2} ms)");
}

// Search speed (Find-Csk6Network): 100 candidates (5 depths × 4 widths × dense, depthwise, LISTENAI's dense 3×3
// shortcuts, and both depthwise forms with the stem converted), each built and budgeted (target: under 2 s, at least
// 50 per second).
// The peer is building the same 100 graphs without budgeting them; the ratio is what the budgets cost on top.
{
    var space = new NetworkSearchOptions
    {
        Shortcuts = [ShortcutStyle.DepthwiseSeparable, ShortcutStyle.Dense3x3], IncludeStem = true, KeepAll = true,
    };
    var specs = NetworkSearch.Specs(space);
    Func<object> buildAll = () => specs.Select(s =>
    {
        var g = ResNet.Create(new ResNetOptions { Depth = s.Depth!.Value, Width = s.Width });
        return s.Shortcut is { } sc
            ? DepthwiseConverter.Convert(g, new DepthwiseOptions { Shortcut = sc, IncludeStem = s.StemConverted }).Model
            : g;
    }).ToList();
    Func<object> search = () => NetworkSearch.Run(space);
    search(); buildAll();   // warm up (JIT)
    double tSearch = Median(search, 5), tBuildAll = Median(buildAll, 5);
    Console.WriteLine($"search: {specs.Count} candidates built and budgeted in {tSearch / 1000:F2} s = " +
                      $"{specs.Count / (tSearch / 1000):F0} candidates/s " +
                      $"({Environment.ProcessorCount} threads; building them alone {tBuildAll:F0} ms, " +
                      $"search/build ratio {tSearch / tBuildAll:F1}x)");
    Console.WriteLine($"target: at least 50 candidates/s: " +
                      $"{(specs.Count / (tSearch / 1000) >= 50 ? "met" : "NOT met")}");
}

if (args.Contains("--budget")) return;   // the budget and search figures alone

// ONNX import speed on LISTENAI's demo (2.9 MB, linger dialect): the peer is parsing the protobuf alone; the ratio says
// what building the quantized model costs on top, and packing it is measured after.
string demo = Path.Combine(demoFolder, "resnet18-12-regular.onnx");
if (File.Exists(demo))
{
    var bytes = File.ReadAllBytes(demo);
    Func<object> parse = () => Csk6Tools.Engine.Onnx.OnnxImporter.Parse(bytes);
    Func<object> import = () => Csk6Tools.Engine.Onnx.OnnxImporter.Import(bytes, "demo");
    var model = Csk6Tools.Engine.Onnx.OnnxImporter.Import(bytes, "demo");
    Func<object> pack = () => Csk6Tools.Engine.Package.PackageBuilder.Build(model);
    for (int i = 0; i < 3; i++) { parse(); import(); pack(); }
    double tParse = Median(parse, 11), tImport = Median(import, 11), tPack = Median(pack, 11);
    Console.WriteLine($"linger demo ONNX: parse {tParse:F1} ms, import {tImport:F1} ms " +
                      $"(import/parse ratio {tImport / tParse:F1}x), pack {tPack:F1} ms");
}

if (File.Exists(demo)) EngineBench.Run(demoFolder);
