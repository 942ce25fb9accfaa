#include <cstdlib>

#include "cli/commands.h"
#include "cli/options.h"
#include "demo/demo_runner.h"

namespace ntscada {

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<demo_options>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "Run the main job with no external server on a labelled data set "
      "(the SKAB valve1 recordings beside the clone, else the simulator): "
      "train the models on its first part and register them, then stream "
      "the rest through an embedded broker and the stream processor serving "
      "those models, and print a summary with precision, recall and F1 of "
      "the models and of the envelope rules against the labels.");
  command->add_option("data", options->data,
                      "Data set files or folders to replay");
  command->add_option("--envelopes", options->envelopes,
                      "Envelope rules file (default: fits the data)");
  command
      ->add_option("--partitions", options->partitions,
                   "Partitions per topic of the embedded broker")
      ->check(CLI::Range(1, 64));
  command->add_option("--seed", options->simulator_seed,
                      "Simulator seed, when no data set is used");
  command
      ->add_option("--training-fraction", options->training_fraction,
                   "Share of the readings, by time, used for training")
      ->check(finite_number())
      ->check(CLI::Range(0.05, 0.95));
  command->add_flag("--rules-only", options->rules_only,
                    "Skip training; score everything with the envelope rules");
  command->add_option("--registry", options->registry,
                      "Model registry the trained models are registered in");
  command->add_option("--threads", options->threads, "XGBoost threads")
      ->check(CLI::Range(1, 64));
  command->callback([options] { std::exit(run_demo(*options)); });
}

}  // namespace ntscada
