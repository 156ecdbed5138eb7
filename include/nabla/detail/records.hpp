// The per-layer records of a pass (z^l and a^l of the tape, δ^l), reached by a compile-time index.
// Not a hana::tuple: its default constructor value-initialises its storage, which zeroes every
// byte (a third of a megabyte a step for a batch on a 256-wide network) before the records' own
// constructors leave them for the pass to write.
#pragma once

#include <cstddef>
#include <utility>

namespace nabla::detail {

template <std::size_t i, class Record> struct indexed_record : Record {};

template <class Indices, class... Records> struct record_list_of;
template <std::size_t... i, class... Records>
struct record_list_of<std::index_sequence<i...>, Records...> : indexed_record<i, Records>... {
    constexpr record_list_of() noexcept {}
};
template <class... Records> using record_list = record_list_of<std::index_sequence_for<Records...>, Records...>;

// Record i of a list: the base for index i, its type deduced.
template <std::size_t i, class Record> constexpr Record& record(indexed_record<i, Record>& list) noexcept { return list; }
template <std::size_t i, class Record> constexpr const Record& record(const indexed_record<i, Record>& list) noexcept {
    return list;
}

} // namespace nabla::detail
