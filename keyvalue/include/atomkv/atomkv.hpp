#pragma once
// Everything a program needs to use atomkv as a library.

#include "atomkv/atomics.hpp"
#include "atomkv/batch.hpp"
#include "atomkv/clock.hpp"
#include "atomkv/store.hpp"
