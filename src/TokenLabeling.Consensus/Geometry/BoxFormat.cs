// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>How four numbers describe an axis-aligned box.</summary>
public enum BoxFormat
{
    /// <summary>Corners: left, top, right, bottom (<c>x1, y1, x2, y2</c>), in pixels.</summary>
    Xyxy = 0,

    /// <summary>Top-left corner and size: <c>x, y, width, height</c>, in pixels (COCO's <c>bbox</c>).</summary>
    Xywh = 1,

    /// <summary>Centre and size: <c>cx, cy, width, height</c>, in pixels (YOLO style, before normalization).</summary>
    Cxcywh = 2,
}
