using TorchSharp;
var t = torch.ones(3, dtype: torch.float64);
Console.WriteLine(t.sum().item<double>());
