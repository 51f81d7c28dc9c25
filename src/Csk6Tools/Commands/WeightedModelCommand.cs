using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;

namespace Csk6Tools.Commands;

/// <summary>A model cmdlet that works on the model with its weights: a bare
/// graph from New-Csk6ResNet arrives as a model without weights.</summary>
public abstract class WeightedModelCommand : ModelInputCommand
{
    protected sealed override void ProcessModel(ModelGraph model) => ProcessModel(Csk6Model.FromGraph(model));

    protected abstract override void ProcessModel(Csk6Model model);
}
