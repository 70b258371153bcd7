// Test helper: decode a PNG file with libpng (any colour type, converted to 8-bit RGBA) and
// summarise the pixels of a rectangle: how many differ from white, how many are coloured.
#pragma once

#include <png.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace hwgpt::test {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // row-major, 4 bytes per pixel
};

inline Image read_png(const std::filesystem::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str()))
    throw std::runtime_error("not a readable PNG: " + path.string() + ": " + image.message);
  image.format = PNG_FORMAT_RGBA;
  Image out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr)) {
    png_image_free(&image);
    throw std::runtime_error("cannot decode PNG " + path.string() + ": " + image.message);
  }
  return out;
}

struct PixelStats {
  long pixels = 0;
  long non_white = 0;   // any channel below 245
  long coloured = 0;    // max(r,g,b) - min(r,g,b) > 60: a series or heat-map colour, not grey text
  double non_white_fraction() const { return pixels ? static_cast<double>(non_white) / static_cast<double>(pixels) : 0; }
  double coloured_fraction() const { return pixels ? static_cast<double>(coloured) / static_cast<double>(pixels) : 0; }
};

// Stats of the rectangle [x, x + w) × [y, y + h), clipped to the image.
inline PixelStats pixel_stats(const Image& img, int x, int y, int w, int h) {
  PixelStats s;
  for (int row = std::max(0, y); row < std::min(img.height, y + h); ++row)
    for (int col = std::max(0, x); col < std::min(img.width, x + w); ++col) {
      const std::uint8_t* p = &img.rgba[(static_cast<std::size_t>(row) * static_cast<std::size_t>(img.width) +
                                         static_cast<std::size_t>(col)) * 4];
      ++s.pixels;
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      s.non_white += lo < 245;
      s.coloured += hi - lo > 60;
    }
  return s;
}

// Number of pixels within `tolerance` (per channel) of the colour #rrggbb.
inline long count_colour(const Image& img, unsigned rgb, int tolerance = 12) {
  const int r = static_cast<int>((rgb >> 16) & 0xff), g = static_cast<int>((rgb >> 8) & 0xff), b = static_cast<int>(rgb & 0xff);
  long n = 0;
  for (std::size_t i = 0; i + 3 < img.rgba.size(); i += 4)
    n += std::abs(img.rgba[i] - r) <= tolerance && std::abs(img.rgba[i + 1] - g) <= tolerance &&
         std::abs(img.rgba[i + 2] - b) <= tolerance;
  return n;
}

}  // namespace hwgpt::test
