using System.Management.Automation;
using Csk6Tools.Engine.Target;

namespace Csk6Tools.Commands;

/// <summary>A model cmdlet that checks against the chip's memories: -PsramCapacity and -ShareMemCapacity.</summary>
public abstract class CapacityCommand : ModelInputCommand
{
    /// <summary>PSRAM for constants; 8 MiB (tpacker's limit) by default. PowerShell reads 4MB as 4 MiB.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long PsramCapacity { get; set; } = Csk6.PsramCapacity;

    /// <summary>SRAM shared with the NPU for activations, workspace and DMA buffers; 640 KiB by default.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ShareMemCapacity { get; set; } = Csk6.ShareMemCapacity;

    protected Csk6Limits Limits => new() { PsramBytes = PsramCapacity, ShareMemBytes = ShareMemCapacity };
}
