#include "cli/commands.h"

namespace ntscada {

void add_simulate_command(CLI::App&) {}

}  // namespace ntscada
