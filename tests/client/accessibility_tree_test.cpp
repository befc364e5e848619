#include "wasm/accessibility_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tessera::client;

namespace {

nlohmann::json parse(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

void draw_welcome(AccessibilityTree& tree, bool continue_enabled) {
  tree.begin_frame();
  tree.add({.id = 1, .role = AccessibleRole::heading, .name = "Tessera", .rect = {10, 10, 100, 30}, .level = 1});
  tree.add({.id = 2, .role = AccessibleRole::textbox, .name = "Your name", .rect = {10, 50, 300, 40}, .value = "Ana"});
  tree.add({.id = 3, .role = AccessibleRole::button, .name = "Continue", .rect = {10, 100, 90, 40},
            .disabled = !continue_enabled});
  tree.end_frame();
}

}  // namespace

TEST_CASE("the tree publishes role, name, state and place of each widget", "[a11y]") {
  AccessibilityTree tree;
  draw_welcome(tree, false);
  auto update = tree.take_update();
  REQUIRE(update);
  const auto nodes = parse(*update);
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0]["role"] == "heading");
  CHECK(nodes[0]["name"] == "Tessera");
  CHECK(nodes[0]["level"] == 1);
  CHECK(nodes[1]["role"] == "textbox");
  CHECK(nodes[1]["value"] == "Ana");
  CHECK(nodes[2]["role"] == "button");
  CHECK(nodes[2]["disabled"] == true);
  CHECK(nodes[2]["x"] == 10);
  CHECK(nodes[2]["w"] == 90);
}

TEST_CASE("an unchanged frame publishes nothing, a changed state publishes again", "[a11y]") {
  AccessibilityTree tree;
  draw_welcome(tree, false);
  REQUIRE(tree.take_update());
  draw_welcome(tree, false);
  CHECK_FALSE(tree.take_update());
  draw_welcome(tree, true);
  const auto update = tree.take_update();
  REQUIRE(update);
  CHECK_FALSE(parse(*update)[2].contains("disabled"));
}

TEST_CASE("an empty first frame is still published, so the layer starts in sync", "[a11y]") {
  AccessibilityTree tree;
  tree.begin_frame();
  tree.end_frame();
  const auto update = tree.take_update();
  REQUIRE(update);
  CHECK(*update == "[]");
}

TEST_CASE("activation from the DOM is consumed exactly once by its widget, from the next frame", "[a11y]") {
  AccessibilityTree tree;
  REQUIRE(tree.request_activation(3));
  CHECK_FALSE(tree.consume_activation(3));  // waits for a frame
  CHECK(tree.has_pending_input());
  draw_welcome(tree, true);
  CHECK_FALSE(tree.has_pending_input());
  CHECK_FALSE(tree.consume_activation(2));
  CHECK(tree.consume_activation(3));
  CHECK_FALSE(tree.consume_activation(3));
}

TEST_CASE("text typed into the DOM input is taken once", "[a11y]") {
  AccessibilityTree tree;
  REQUIRE(tree.set_text_from_dom(2, "Zoë"));
  REQUIRE(tree.set_text_from_dom(2, "Zoë Å"));  // the latest input event wins
  draw_welcome(tree, true);
  const auto text = tree.take_text_from_dom(2);
  REQUIRE(text);
  CHECK(*text == "Zoë Å");
  CHECK_FALSE(tree.take_text_from_dom(2));
}

TEST_CASE("text, a press, and text again within one frame reach the widgets in order", "[a11y]") {
  AccessibilityTree tree;
  draw_welcome(tree, true);
  REQUIRE(tree.set_text_from_dom(2, "first"));
  REQUIRE(tree.set_text_from_dom(5, "other field"));
  REQUIRE(tree.request_activation(3));
  REQUIRE(tree.set_text_from_dom(2, "second"));
  REQUIRE(tree.request_activation(3));

  tree.begin_frame();  // the text typed before the press, in both fields
  CHECK(tree.take_text_from_dom(2) == "first");
  CHECK(tree.take_text_from_dom(5) == "other field");
  CHECK_FALSE(tree.consume_activation(3));
  tree.end_frame();
  CHECK(tree.has_pending_input());
  tree.begin_frame();  // the press alone
  CHECK_FALSE(tree.take_text_from_dom(2));
  CHECK(tree.consume_activation(3));
  tree.end_frame();
  tree.begin_frame();
  CHECK(tree.take_text_from_dom(2) == "second");
  CHECK_FALSE(tree.consume_activation(3));
  tree.end_frame();
  tree.begin_frame();
  CHECK(tree.consume_activation(3));
  tree.end_frame();
  CHECK_FALSE(tree.has_pending_input());
}

TEST_CASE("input waiting for frames is bounded; typing into one field takes one place", "[a11y]") {
  AccessibilityTree tree;
  for (int i = 0; i < 10000; ++i) REQUIRE(tree.set_text_from_dom(2, std::string(static_cast<std::size_t>(i % 50), 'a')));
  for (std::size_t i = 1; i < AccessibilityTree::kMaxPendingInput; ++i) REQUIRE(tree.request_activation(3));
  CHECK_FALSE(tree.request_activation(3));          // full: dropped, nothing else disturbed
  CHECK_FALSE(tree.set_text_from_dom(4, "more"));
  tree.begin_frame();
  CHECK(tree.take_text_from_dom(2) == std::string(9999 % 50, 'a'));
  tree.end_frame();
  tree.begin_frame();
  CHECK(tree.consume_activation(3));
  tree.end_frame();
  CHECK(tree.request_activation(3));  // room again
}

TEST_CASE("input no widget took is forgotten between kiosk visits", "[a11y]") {
  AccessibilityTree tree;
  REQUIRE(tree.set_text_from_dom(2, "Ana Souza"));
  REQUIRE(tree.request_activation(3));
  draw_welcome(tree, true);  // the text is out of the queue, the press still in it
  tree.forget_input();
  CHECK_FALSE(tree.has_pending_input());
  draw_welcome(tree, true);
  CHECK_FALSE(tree.take_text_from_dom(2));
  CHECK_FALSE(tree.consume_activation(3));
}

TEST_CASE("Enter submits a field that submits, once; not while an IME composes, not Shift+Enter in a textarea",
          "[a11y]") {
  AccessibilityTree tree;
  const auto draw = [&tree] {
    tree.begin_frame();
    tree.add({.id = 2, .role = AccessibleRole::textbox, .name = "Your name"});
    tree.add({.id = 4, .role = AccessibleRole::textbox, .name = "Message", .submits = true});
    tree.add({.id = 5, .role = AccessibleRole::textbox, .name = "Note", .multiline = true, .submits = true});
    tree.add({.id = 6, .role = AccessibleRole::button, .name = "Send"});
    tree.end_frame();
  };
  draw();
  const FieldKey enter{.key = "Enter", .key_code = 13};

  CHECK(tree.submit_from_dom(4, enter));
  draw();
  CHECK(tree.consume_submit(4));
  CHECK_FALSE(tree.consume_submit(4));  // once

  CHECK_FALSE(tree.submit_from_dom(4, {.key = "a", .key_code = 65}));
  CHECK_FALSE(tree.submit_from_dom(4, {.key = "Enter", .key_code = 13, .composing = true}));  // isComposing
  CHECK_FALSE(tree.submit_from_dom(4, {.key = "Enter", .key_code = 229}));  // an IME without isComposing
  CHECK_FALSE(tree.submit_from_dom(4, {.key = "Process", .key_code = 229}));
  CHECK(tree.submit_from_dom(4, {.key = "Enter", .key_code = 13, .shift = true}));  // one line: still sends
  CHECK_FALSE(tree.submit_from_dom(5, {.key = "Enter", .key_code = 13, .shift = true}));  // a new line
  CHECK(tree.submit_from_dom(5, enter));
  CHECK_FALSE(tree.submit_from_dom(2, enter));  // a field that does not submit
  CHECK_FALSE(tree.submit_from_dom(6, enter));  // not a field
  CHECK_FALSE(tree.submit_from_dom(9, enter));  // not drawn

  tree.forget_input();  // a kiosk between visits: a pending submit goes too
  draw();
  draw();
  CHECK_FALSE(tree.consume_submit(2));
  CHECK_FALSE(tree.consume_submit(4));
  CHECK_FALSE(tree.consume_submit(5));
}

TEST_CASE("items ImGui reports that no widget described are still mirrored", "[a11y]") {
  AccessibilityTree tree;
  tree.begin_frame();
  tree.add({.id = 1, .role = AccessibleRole::button, .name = "Described", .rect = {0, 0, 10, 10}});
  tree.note_item(1, {0, 0, 10, 10});
  tree.note_item_label(1, "Described", false, false);
  tree.note_item(7, {5, 5, 20, 20});
  tree.note_item_label(7, "Mute##call", true, true);
  tree.note_item(8, {5, 5, 20, 20});  // no label: nothing a person could name
  tree.end_frame();
  const auto& nodes = tree.nodes();
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[1].id == 7);
  CHECK(nodes[1].role == AccessibleRole::checkbox);
  CHECK(nodes[1].name == "Mute");
  CHECK(nodes[1].checked);
}

TEST_CASE("labels hide their ImGui id suffix", "[a11y]") {
  CHECK(visible_label("Send##chat") == "Send");
  CHECK(visible_label("Send") == "Send");
  CHECK(visible_label("##hidden").empty());
}

TEST_CASE("invalid UTF-8 in a label is replaced, not fatal", "[a11y]") {
  AccessibilityTree tree;
  tree.begin_frame();
  tree.add({.id = 1, .role = AccessibleRole::text, .name = std::string("bad \xff byte")});
  tree.end_frame();
  const auto update = tree.take_update();
  REQUIRE(update);
  CHECK(parse(*update)[0]["name"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("a choice publishes its options and the chosen one; a picture its name as role img", "[a11y]") {
  AccessibilityTree tree;
  tree.begin_frame();
  tree.add({.id = 7, .role = AccessibleRole::combobox, .name = "Microphone", .rect = {10, 10, 300, 40},
            .options = {"Built-in", "Headset"}, .selected = 1});
  tree.add({.id = 8, .role = AccessibleRole::image, .name = "QR code of the patient link", .rect = {10, 60, 180, 180}});
  tree.end_frame();
  auto update = tree.take_update();
  REQUIRE(update);
  const auto nodes = parse(*update);
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0]["role"] == "combobox");
  CHECK(nodes[0]["options"] == nlohmann::json::array({"Built-in", "Headset"}));
  CHECK(nodes[0]["selected"] == 1);
  CHECK(nodes[1]["role"] == "img");
  CHECK(nodes[1]["name"] == "QR code of the patient link");
  CHECK_FALSE(nodes[1].contains("options"));
}
