// Image pixels -> clip space, shared by every pass that draws in portrait pixels.
// Pixel centres sit at integer + 0.5; flip_y -1 puts the image top at the GL top (on
// screen), 1 puts it in row 0 (readback for export).
uniform vec2 image_size;
uniform float flip_y;

vec4 image_to_clip(vec2 pos) {
    vec2 ndc = (pos + 0.5) / image_size * 2.0 - 1.0;
    return vec4(ndc.x, flip_y * ndc.y, 0.0, 1.0);
}
