#include "cli/commands.h"

namespace ntscada {

void add_replay_command(CLI::App&) {}

}  // namespace ntscada
