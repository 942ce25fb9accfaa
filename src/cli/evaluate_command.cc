#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/logging.h"
#include "demo/evaluation.h"
#include "features/feature_extractor.h"
#include "registry/local_registry.h"
#include "replay/replay_inputs.h"
#include "training/model_bundle.h"

namespace ntscada {
namespace {

struct evaluate_arguments {
  std::string model;
  std::string registry = "models";
  std::vector<std::filesystem::path> files;
  double threshold = 0.5;
  std::size_t skip_rows = 400;
  std::string nab_unit = "C";
};

// Scores one data-set file and adds its rows to `counts`. A row is flagged
// when the mean anomaly probability of its readings reaches the threshold
// (the highest one flags a row whenever any one sensor looks odd, which
// multiplies false alarms); rows before `skip_rows` are left out, as the
// SKAB benchmark leaves out each file's training part.
result<bool, std::string> evaluate_file(const std::filesystem::path& file,
                                        const evaluate_arguments& args,
                                        const model_bundle& bundle,
                                        confusion_counts& counts) {
  auto inputs = load_replay_inputs({file}, {.nab_unit = args.nab_unit});
  if (!inputs) return failure{inputs.error()};
  reading_history history;
  history.reserve(inputs->readings.size());
  for (const auto& item : inputs->readings) history.append(item.r);
  std::vector<float> features =
      extract_features(history, bundle.metadata.statistics);
  auto scores =
      bundle.model.predict({features.data(), history.size(), feature_count});
  if (!scores) return failure{scores.error()};

  struct row_state {
    double sum = 0;
    int readings = 0;
    bool labelled = false;
    bool anomaly = false;
  };
  std::vector<row_state> rows;
  for (std::size_t i = 0; i < inputs->readings.size(); ++i) {
    const auto& item = inputs->readings[i];
    if (item.row >= rows.size()) rows.resize(item.row + 1);
    row_state& row = rows[item.row];
    row.sum += scores.value()[i];
    ++row.readings;
    if (item.r.labels.anomaly) {
      row.labelled = true;
      row.anomaly = row.anomaly || *item.r.labels.anomaly;
    }
  }
  for (std::size_t row = args.skip_rows; row < rows.size(); ++row) {
    if (!rows[row].labelled) continue;
    double mean = rows[row].sum / rows[row].readings;
    counts.add(mean >= args.threshold, rows[row].anomaly);
  }
  return true;
}

int run_evaluate(const evaluate_arguments& args) {
  auto logger = module_logger("evaluate");
  // --model is a folder, or a registry reference resolved and verified
  // against its recorded checksum.
  std::filesystem::path folder = args.model;
  if (!std::filesystem::is_directory(folder)) {
    local_registry registry(args.registry);
    auto version = registry.resolve(args.model);
    if (!version) {
      logger->error("{}", version.error());
      return kExitUsage;
    }
    if (auto verified = registry.verify(version.value()); !verified) {
      logger->error("{}", verified.error());
      return EXIT_FAILURE;
    }
    folder = version->folder;
  }
  auto bundle = load_model_bundle(folder);
  if (!bundle) {
    logger->error("{}", bundle.error());
    return kExitUsage;
  }
  if (bundle->metadata.kind != "anomaly") {
    logger->error("model {} is a {} model; evaluate scores anomaly models",
                  args.model, bundle->metadata.kind);
    return kExitUsage;
  }
  confusion_counts counts;
  for (const auto& file : args.files) {
    auto evaluated = evaluate_file(file, args, bundle.value(), counts);
    if (!evaluated) {
      logger->error("{}", evaluated.error());
      return kExitUsage;
    }
  }
  std::cout << fmt::format(
      "Model {}@{} on {} files, rows from {} on, threshold {}\n"
      "  rows {}  TP {}  FP {}  FN {}  TN {}\n"
      "  precision {:.3f}  recall {:.3f}  F1 {:.3f}  false alarm rate "
      "{:.2f} %  missed alarm rate {:.2f} %\n",
      bundle->metadata.name, bundle->metadata.version, args.files.size(),
      args.skip_rows, args.threshold, counts.total(), counts.true_positives,
      counts.false_positives, counts.false_negatives, counts.true_negatives,
      counts.precision(), counts.recall(), counts.f1(),
      100 * counts.false_alarm_rate(), 100 * counts.missed_alarm_rate());
  return EXIT_SUCCESS;
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto args = std::make_shared<evaluate_arguments>();
  CLI::App* command = app.add_subcommand(
      "evaluate",
      "Score a trained anomaly model on labelled SKAB or NAB files it did "
      "not train on, point by point per row as the SKAB benchmark does, and "
      "print precision, recall, F1, false-alarm and missed-alarm rates.");
  command
      ->add_option("--model", args->model,
                   "Model folder, or a registry reference such as "
                   "ntscada-anomaly@production")
      ->required();
  command->add_option("--registry", args->registry, "Model registry folder");
  command->add_option("files", args->files, "Labelled data set files")
      ->required();
  command
      ->add_option("--threshold", args->threshold,
                   "Probability at which a row is flagged")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--skip-rows", args->skip_rows,
                      "Leading rows of each file left out (SKAB: 400)");
  command->add_option("--nab-unit", args->nab_unit, "Unit of NAB values");
  command->callback([args] { std::exit(run_evaluate(*args)); });
}

}  // namespace ntscada
