namespace Bomax.Cli.Study;

/// <summary>
/// A task of lm-evaluation-harness that <c>bomax init</c> knows: the metric key the harness writes for it in its
/// results json (<c>&lt;metric&gt;,&lt;filter&gt;</c>, the filter <c>none</c> when the task has no <c>filter_list</c>),
/// whether that metric is better higher or lower, and a few words on it for the spec's comment.
/// </summary>
internal sealed record LmEvalTask(string Name, string Metric, ScoreGoal Goal, string Note);

/// <summary>
/// Common lm-evaluation-harness tasks and the metric each is usually judged by, for <c>bomax init</c>. Each entry was
/// checked against the task's YAML in EleutherAI/lm-evaluation-harness (commit 4e7e0d47f33b, under
/// <c>lm_eval/tasks/</c>): the metric from its <c>metric_list</c> (or, for a group, its <c>aggregate_metric_list</c>), the
/// filter from its <c>filter_list</c>. A <c>!function</c> metric is named after the function, or after the keys of the
/// dict it returns (humaneval's <c>pass@1</c>). Where a task reports several metrics the one picked is the one
/// usually quoted; the note names the others.
/// </summary>
internal static class LmEvalTasks
{
    /// <summary>The study-wide default metric of a generated spec, the one most tasks report: accuracy, no filter.</summary>
    public const string DefaultMetric = "acc,none";

    /// <summary>The known tasks, in the order a reader would look for them.</summary>
    public static IReadOnlyList<LmEvalTask> All { get; } =
    [
        // mmlu/default/_mmlu.yaml: group, aggregate_metric_list acc; subtasks from _default_template_yaml have no filter_list.
        new("mmlu", "acc,none", ScoreGoal.Maximize, "the group's accuracy over 57 subjects"),
        // mmlu_pro/_mmlu_pro.yaml: group, aggregate exact_match with filter_list custom-extract (_default_template_yaml).
        new("mmlu_pro", "exact_match,custom-extract", ScoreGoal.Maximize, "the group's exact match of the extracted letter"),
        // gsm8k/gsm8k.yaml: exact_match; filter_list strict-match, flexible-extract.
        new("gsm8k", "exact_match,strict-match", ScoreGoal.Maximize, "'#### N' answers; also exact_match,flexible-extract"),
        // gsm8k/gsm8k-cot.yaml: exact_match; filter_list strict-match, flexible-extract.
        new("gsm8k_cot", "exact_match,strict-match", ScoreGoal.Maximize, "'The answer is N'; also exact_match,flexible-extract"),
        // gsm8k/gsm8k-cot-llama.yaml: exact_match; filter_list strict-match, flexible-extract.
        new("gsm8k_cot_llama", "exact_match,strict-match", ScoreGoal.Maximize, "also exact_match,flexible-extract"),
        // gsm8k/gsm8k-cot-zeroshot.yaml: exact_match; filter_list strict-match, flexible-extract.
        new("gsm8k_cot_zeroshot", "exact_match,strict-match", ScoreGoal.Maximize, "also exact_match,flexible-extract"),
        // hellaswag/hellaswag.yaml: acc, acc_norm; no filter_list.
        new("hellaswag", "acc_norm,none", ScoreGoal.Maximize, "length-normalised accuracy; also acc,none"),
        // arc/arc_easy.yaml: acc, acc_norm; no filter_list.
        new("arc_easy", "acc_norm,none", ScoreGoal.Maximize, "length-normalised accuracy; also acc,none"),
        // arc/arc_challenge.yaml: includes arc_easy.yaml (acc, acc_norm; no filter_list).
        new("arc_challenge", "acc_norm,none", ScoreGoal.Maximize, "length-normalised accuracy; also acc,none"),
        // winogrande/default.yaml: acc; no filter_list.
        new("winogrande", "acc,none", ScoreGoal.Maximize, "accuracy"),
        // piqa/piqa.yaml: acc, acc_norm; no filter_list.
        new("piqa", "acc_norm,none", ScoreGoal.Maximize, "length-normalised accuracy; also acc,none"),
        // super_glue/boolq/default.yaml: acc; no filter_list.
        new("boolq", "acc,none", ScoreGoal.Maximize, "accuracy"),
        // openbookqa/openbookqa.yaml: acc, acc_norm; no filter_list.
        new("openbookqa", "acc_norm,none", ScoreGoal.Maximize, "length-normalised accuracy; also acc,none"),
        // truthfulqa/truthfulqa_mc1.yaml: acc; no filter_list.
        new("truthfulqa_mc1", "acc,none", ScoreGoal.Maximize, "the single true answer ranked first"),
        // truthfulqa/truthfulqa_mc2.yaml: acc (from utils.process_results_mc2); no filter_list.
        new("truthfulqa_mc2", "acc,none", ScoreGoal.Maximize, "probability mass on the true answers"),
        // lambada/lambada_openai.yaml: perplexity (higher_is_better false), acc; no filter_list.
        new("lambada_openai", "acc,none", ScoreGoal.Maximize, "last-word accuracy; also perplexity,none (lower is better)"),
        // lambada/lambada_standard.yaml: perplexity (higher_is_better false), acc; no filter_list.
        new("lambada_standard", "acc,none", ScoreGoal.Maximize, "last-word accuracy; also perplexity,none (lower is better)"),
        // wikitext/wikitext.yaml: word_perplexity, byte_perplexity, bits_per_byte; lower is better (api/metrics.py registers
        // them with higher_is_better=False); no filter_list.
        new("wikitext", "word_perplexity,none", ScoreGoal.Minimize, "lower is better; also byte_perplexity,none, bits_per_byte,none"),
        // triviaqa/default.yaml: exact_match; filter_list remove_whitespace.
        new("triviaqa", "exact_match,remove_whitespace", ScoreGoal.Maximize, "exact match of the answer"),
        // ifeval/ifeval.yaml: prompt_level_strict_acc, inst_level_strict_acc, prompt_level_loose_acc, inst_level_loose_acc; no filter_list.
        new("ifeval", "prompt_level_strict_acc,none", ScoreGoal.Maximize, "prompts with every instruction followed; also inst_level_strict_acc,none"),
        // bbh/cot_fewshot/_bbh.yaml: group bbh, aggregate exact_match with filter_list get-answer (_cot_fewshot_template_yaml).
        new("bbh", "exact_match,get-answer", ScoreGoal.Maximize, "the group's exact match (3-shot chain of thought)"),
        // bbh/cot_fewshot/_bbh_cot_fewshot.yaml: group, aggregate exact_match with filter_list get-answer.
        new("bbh_cot_fewshot", "exact_match,get-answer", ScoreGoal.Maximize, "the group's exact match"),
        // bbh/cot_zeroshot/_bbh_cot_zeroshot.yaml: group, aggregate exact_match with filter_list flexible-extract.
        new("bbh_cot_zeroshot", "exact_match,flexible-extract", ScoreGoal.Maximize, "the group's exact match"),
        // bbh/fewshot/_bbh_fewshot.yaml: group, aggregate exact_match; _fewshot_template_yaml has no filter_list.
        new("bbh_fewshot", "exact_match,none", ScoreGoal.Maximize, "the group's exact match"),
        // bbh/zeroshot/_bbh_zeroshot.yaml: group, aggregate exact_match with filter_list flexible-extract.
        new("bbh_zeroshot", "exact_match,flexible-extract", ScoreGoal.Maximize, "the group's exact match"),
        // gpqa/zeroshot/gpqa_main_zeroshot.yaml: includes _gpqa_zeroshot_yaml (acc, acc_norm; no filter_list).
        new("gpqa_main_zeroshot", "acc_norm,none", ScoreGoal.Maximize, "also acc,none"),
        // gpqa/zeroshot/gpqa_diamond_zeroshot.yaml: includes _gpqa_zeroshot_yaml (acc, acc_norm; no filter_list).
        new("gpqa_diamond_zeroshot", "acc_norm,none", ScoreGoal.Maximize, "also acc,none"),
        // gpqa/zeroshot/gpqa_extended_zeroshot.yaml: includes _gpqa_zeroshot_yaml (acc, acc_norm; no filter_list).
        new("gpqa_extended_zeroshot", "acc_norm,none", ScoreGoal.Maximize, "also acc,none"),
        // gpqa/n_shot/gpqa_main_n_shot.yaml: includes _gpqa_n_shot_yaml (acc, acc_norm; no filter_list).
        new("gpqa_main_n_shot", "acc_norm,none", ScoreGoal.Maximize, "also acc,none"),
        // gpqa/n_shot/gpqa_diamond_n_shot.yaml: includes _gpqa_n_shot_yaml (acc, acc_norm; no filter_list).
        new("gpqa_diamond_n_shot", "acc_norm,none", ScoreGoal.Maximize, "also acc,none"),
        // humaneval/humaneval.yaml: !function utils.pass_at_k with k [1], which returns {"pass@1": …}; filter_list create_test.
        new("humaneval", "pass@1,create_test", ScoreGoal.Maximize,
            "runs the model's code: lm_eval needs --confirm_run_unsafe_code and HF_ALLOW_CODE_EVAL=1"),
        // mbpp/mbpp.yaml: !function utils.pass_at_1, which returns a number; no filter_list.
        new("mbpp", "pass_at_1,none", ScoreGoal.Maximize, "runs the model's code: lm_eval needs --confirm_run_unsafe_code and HF_ALLOW_CODE_EVAL=1"),
        // leaderboard/mmlu_pro/mmlu_pro.yaml: acc; no filter_list.
        new("leaderboard_mmlu_pro", "acc,none", ScoreGoal.Maximize, "Open LLM Leaderboard: accuracy"),
        // leaderboard/bbh_mc/_leaderboard_bbh.yaml: group, aggregate acc_norm; _fewshot_template_yaml has no filter_list.
        new("leaderboard_bbh", "acc_norm,none", ScoreGoal.Maximize, "Open LLM Leaderboard: the group's normalised accuracy"),
        // leaderboard/gpqa/_leaderboard_gpqa.yaml: group, aggregate acc_norm; _template_yaml has no filter_list.
        new("leaderboard_gpqa", "acc_norm,none", ScoreGoal.Maximize, "Open LLM Leaderboard: the group's normalised accuracy"),
        // leaderboard/ifeval/ifeval.yaml: as ifeval/ifeval.yaml; no filter_list.
        new("leaderboard_ifeval", "prompt_level_strict_acc,none", ScoreGoal.Maximize, "Open LLM Leaderboard; also inst_level_strict_acc,none"),
        // leaderboard/math/_leaderboard_math.yaml: group leaderboard_math_hard, aggregate exact_match; _template_yaml has no filter_list.
        new("leaderboard_math_hard", "exact_match,none", ScoreGoal.Maximize, "Open LLM Leaderboard: the group's exact match"),
        // leaderboard/musr/_musr.yaml: group, aggregate acc_norm; _template_yaml has no filter_list.
        new("leaderboard_musr", "acc_norm,none", ScoreGoal.Maximize, "Open LLM Leaderboard: the group's normalised accuracy"),
    ];

    /// <summary>
    /// Names the harness reads as a tag: several tasks run, and their results hold no entry of that name, so no score can be
    /// read for it. Each with the tasks to name instead. Tags as declared in: gpqa/*/_gpqa_*_yaml (tag: gpqa),
    /// truthfulqa/truthfulqa_mc1.yaml (tag: truthfulqa), lambada/lambada_openai.yaml (tag: lambada), arc/arc_easy.yaml
    /// (tag: ai2_arc).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gpqa"] = "gpqa_main_zeroshot or gpqa_diamond_zeroshot",
        ["truthfulqa"] = "truthfulqa_mc1 or truthfulqa_mc2",
        ["lambada"] = "lambada_openai or lambada_standard",
        ["ai2_arc"] = "arc_easy and arc_challenge",
    };

    /// <summary>The known task named exactly <paramref name="name"/>, or null.</summary>
    public static LmEvalTask? Find(string name) => All.FirstOrDefault(task => task.Name == name);
}
