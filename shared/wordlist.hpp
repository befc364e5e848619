#pragma once
// The safety-code word list (docs/PROTOCOL.md §8.4): 256 common, concrete
// English words, 3 to 8 letters, lower case ASCII, sorted, no duplicates and
// no pairs that sound alike (the code is read aloud on a video call). Written
// for Tessera; one word carries exactly 8 bits, so 5 words carry 40 bits.
// Changing this list changes every code: it is part of protocol version 1.
#include <array>
#include <string_view>

namespace tessera {

inline constexpr std::array<std::string_view, 256> kSafetyWords = {
    "acorn", "actor", "adult", "agent", "alarm", "album", "amber", "angle",
    "ankle", "apple", "apron", "arena", "arrow", "atlas", "attic", "award",
    "bacon", "badge", "bagel", "baker", "balloon", "bamboo", "banana", "banjo",
    "barn", "basket", "beach", "beard", "bell", "bench", "berry", "bicycle",
    "blanket", "blossom", "boat", "bonnet", "book", "bottle", "bowl", "bracelet",
    "branch", "bread", "brick", "bridge", "broom", "bucket", "buffalo", "butter",
    "button", "cabin", "cactus", "camel", "camera", "candle", "canoe", "canyon",
    "captain", "carpet", "carrot", "castle", "cattle", "celery", "chair", "chalk",
    "cheese", "cherry", "chicken", "chimney", "circle", "circus", "clock", "cloud",
    "clover", "coconut", "coffee", "collar", "comet", "compass", "cookie", "copper",
    "corner", "cotton", "cousin", "cowboy", "crayon", "cricket", "crown", "cupcake",
    "curtain", "cushion", "daisy", "dancer", "desert", "diamond", "dinner", "doctor",
    "dolphin", "donkey", "dragon", "drawer", "dream", "drum", "eagle", "earth",
    "easel", "elbow", "engine", "envelope", "eraser", "falcon", "farmer", "feather",
    "fence", "fiddle", "finger", "forest", "fossil", "fountain", "fox", "frog",
    "garden", "garlic", "giant", "ginger", "giraffe", "glacier", "glove", "goat",
    "guitar", "hammer", "harbor", "helmet", "hippo", "honey", "hook", "horse",
    "hotel", "husband", "igloo", "island", "jacket", "jaguar", "jelly", "jewel",
    "jungle", "kettle", "kitchen", "kitten", "koala", "ladder", "lake", "lamp",
    "lantern", "lemon", "leopard", "letter", "lizard", "lobster", "locket", "magnet",
    "mango", "maple", "marble", "meadow", "melon", "mirror", "mitten", "monkey",
    "moose", "motor", "mountain", "muffin", "mushroom", "napkin", "needle", "nest",
    "noodle", "ocean", "octopus", "olive", "onion", "orange", "orchard", "otter",
    "oven", "owl", "paddle", "painter", "palace", "panda", "panther", "parrot",
    "peanut", "pebble", "pencil", "penguin", "pepper", "piano", "pickle", "pillow",
    "pilot", "pirate", "planet", "plum", "pocket", "pony", "potato", "puppet",
    "puzzle", "quilt", "rabbit", "radio", "raisin", "ranch", "river", "robot",
    "rocket", "saddle", "salad", "salmon", "sandal", "scarf", "shadow", "sheep",
    "shovel", "silver", "skate", "sled", "snail", "soccer", "spider", "spoon",
    "squirrel", "statue", "stove", "sugar", "summer", "sweater", "table", "tiger",
    "toast", "tomato", "tractor", "trumpet", "tulip", "turkey", "turtle", "umbrella",
    "valley", "velvet", "violin", "wagon", "walnut", "whale", "window", "zebra",
};

}  // namespace tessera
