// libtorch's thread count is process-wide (TorchRuntime sets it per run): tests that train must not run side by side,
// or one test's setting changes another's reductions mid-run and the bit-for-bit checks (resume, save/load) flake.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
