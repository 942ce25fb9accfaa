#pragma once

#include <atomic>

namespace ntscada {

// Set by SIGINT and SIGTERM once install_stop_signals has run.
extern std::atomic<bool> stop_requested;

// Installs handlers for SIGINT and SIGTERM that set stop_requested.
void install_stop_signals();

// Set by SIGHUP once install_reload_signal has run; cleared by its reader.
extern std::atomic<bool> reload_requested;

// Installs a handler for SIGHUP that sets reload_requested.
void install_reload_signal();

}  // namespace ntscada
