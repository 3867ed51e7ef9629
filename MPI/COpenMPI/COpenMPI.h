// Intentionally empty: this module only carries pkg-config's flags (see module.modulemap).
