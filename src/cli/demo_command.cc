#include <cstdlib>

#include "cli/commands.h"
#include "demo/demo_runner.h"

namespace ntscada {

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<demo_options>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "Run the main job with no external server: an embedded broker, the "
      "stream processor and a replay of a labelled data set (the SKAB "
      "valve1 recordings beside the clone, else the simulator), then print "
      "a summary with precision, recall and F1 against the labels.");
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
  command->callback([options] { std::exit(run_demo(*options)); });
}

}  // namespace ntscada
