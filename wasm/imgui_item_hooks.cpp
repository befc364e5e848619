// Dear ImGui 1.86's test-engine hooks (compiled in with IMGUI_ENABLE_TEST_ENGINE)
// report every item's id, rectangle, label and checked state each frame. We
// forward them to the AccessibilityTree stored in ImGuiContext::TestEngine, so
// the DOM layer mirrors even items that no Tessera widget described.
#include <imgui.h>
#include <imgui_internal.h>

#include "wasm/accessibility_tree.hpp"

using tessera::client::AccessibilityTree;

namespace {
AccessibilityTree* tree_of(ImGuiContext* ctx) { return static_cast<AccessibilityTree*>(ctx->TestEngine); }
}  // namespace

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect& bb, ImGuiID id) {
  if (auto* tree = tree_of(ctx)) tree->note_item(id, {bb.Min.x, bb.Min.y, bb.GetWidth(), bb.GetHeight()});
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  if (auto* tree = tree_of(ctx); tree && label)
    tree->note_item_label(id, label, flags & ImGuiItemStatusFlags_Checkable, flags & ImGuiItemStatusFlags_Checked);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
