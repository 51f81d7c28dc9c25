using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>
/// The im2col columns of the last convolution, for the next op when it reads the same input with the same window:
/// the pieces of a split convolution run back to back on one input, and build its columns once.
/// </summary>
internal sealed class ColumnCache
{
    private int _lastOp = -2;
    private (int Input, Conv2dAttributes Geometry) _key;
    private short[]? _columns;

    public bool TryReuse(int op, (int Input, Conv2dAttributes Geometry) key, out short[] columns)
    {
        columns = _columns!;
        bool hit = _columns is not null && op == _lastOp + 1 && key == _key;
        if (hit) _lastOp = op;
        return hit;
    }

    public void Remember(int op, (int Input, Conv2dAttributes Geometry) key, short[] columns) =>
        (_lastOp, _key, _columns) = (op, key, columns);
}
