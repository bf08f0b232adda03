using TorchSharp;
using YoloX.Core;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Training.Data;
using YoloX.Training.Engine;
using static TorchSharp.torch;

namespace YoloX.Training.Evaluation;

/// <summary>
/// Evaluates a model that is being trained, as the official <c>exp.eval</c> does: letterbox, forward in eval mode,
/// the detector's post-processing (conf, NMS, no clipping), COCO statistics (and VOC mAP50 on VOC data). It borrows
/// the model: no ownership, no fusing, no copy; the model's train/eval mode and decode setting are restored after.
/// </summary>
public sealed class ModelEvaluationRunner : ITrainingEvaluator
{
    private readonly DetectionDataset dataset;
    private readonly int inputSize;
    private readonly PostprocessOptions postprocess;
    private readonly int batchSize;

    /// <summary>Creates the runner.</summary>
    /// <param name="dataset">The evaluation split.</param>
    /// <param name="inputSize">Square test size (official <c>test_size</c>), a multiple of 32.</param>
    /// <param name="confidence">Official <c>test_conf</c> (0.01).</param>
    /// <param name="nms">Official <c>nmsthre</c> (0.65).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public ModelEvaluationRunner(DetectionDataset dataset, int inputSize, float confidence = 0.01f, float nms = 0.65f, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Images.Count == 0)
        {
            throw new ArgumentException("The evaluation dataset has no images.", nameof(dataset));
        }
        if (inputSize <= 0 || inputSize % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The test size must be a positive multiple of 32.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.dataset = dataset;
        this.inputSize = inputSize;
        this.batchSize = batchSize;
        // YOLOX's evaluator keeps every box surviving NMS (COCOeval caps per image) and does not clip to the image.
        postprocess = new PostprocessOptions(confidence, nms, MaxDetections: 100_000, ClipBoxes: false);
        postprocess.Validate();
    }

    /// <summary>Runs the model over the dataset and returns the COCO detections (dataset category ids).</summary>
    public IReadOnlyList<CocoDetection> Detect(YoloXModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var backend = new BorrowedModelBackend(model, inputSize);
        var options = new YoloXDetectorOptions(postprocess, dataset.ClassNames, batchSize);
        using var detector = new YoloXDetector(backend, options);
        return DatasetEvaluation.Detect(dataset, path => detector.Detect(path).Detections, null, cancellationToken);
    }

    /// <inheritdoc />
    public (IReadOnlyList<double> CocoStatistics, double? VocMap50) Evaluate(YoloXModel model, CancellationToken cancellationToken)
    {
        var detections = Detect(model, cancellationToken);
        var coco = DatasetEvaluation.EvaluateCoco(dataset, detections, cancellationToken: cancellationToken);
        double? voc = dataset.Format == DatasetFormat.Voc ? DatasetEvaluation.EvaluateVoc(dataset, detections).MeanAP : null;
        return (coco.Statistics.ToArray(), voc);
    }

    /// <summary>An inference backend over a model it does not own: eval mode and decoding only for the forward pass.</summary>
    private sealed class BorrowedModelBackend : IInferenceBackend
    {
        private readonly YoloXModel model;
        private readonly Lock gate = new();

        public BorrowedModelBackend(YoloXModel model, int size)
        {
            this.model = model;
            var anchors = model.Config.Strides.Sum(s => size / s * (size / s));
            Model = new ModelDescription("training model", "torch (borrowed, unfused)", size, size, int.MaxValue,
                FixedBatch: false, anchors, model.NumClasses, OutputDecoded: true, null);
        }

        public ModelDescription Model { get; }

        public void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (gate)
            {
                var wasTraining = model.training;
                var decoded = model.Head.DecodeInInference;
                var device = model.parameters().First().device;
                try
                {
                    model.eval();
                    model.Head.DecodeInInference = true;
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var d = Model;
                    var images = torch.tensor(input[..(batchSize * d.InputLength)].ToArray(), [batchSize, 3, d.InputHeight, d.InputWidth]).to(device);
                    var result = model.call(images).cpu().contiguous();
                    result.data<float>().CopyTo(output.Span[..(batchSize * d.OutputLength)]);
                }
                finally
                {
                    model.Head.DecodeInInference = decoded;
                    model.train(wasTraining);
                }
            }
        }

        public void Dispose()
        {
            // Borrowed: the trainer owns the model.
        }
    }
}
