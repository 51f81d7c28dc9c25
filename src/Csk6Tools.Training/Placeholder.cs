namespace Csk6Tools.Training; internal static class Placeholder { }
