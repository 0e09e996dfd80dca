package dev.pix2pix.metrics;

/** Histogram intersection per Lab channel (1 = identical distributions). */
public record LabIntersection(double l, double a, double b) {}
