using System.Management.Automation;

namespace Csk6Tools.Commands;

/// <summary>A cmdlet that reads files: a -Path (wildcards) /
/// -LiteralPath (FullName, PSPath from Get-ChildItem) pair.</summary>
public abstract class FileInputCommand : PSCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>The files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>The files, taken literally; binds FullName/PSPath from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The files this record names; each one that does not resolve is a non-terminating error.</summary>
    protected IEnumerable<string> InputFiles()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        return (literal ? LiteralPath : Path).SelectMany(pattern => FilePaths.ResolveExisting(this, pattern, literal));
    }
}
