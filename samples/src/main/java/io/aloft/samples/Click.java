package io.aloft.samples;

/**
 * One page view.
 *
 * @param user who clicked
 * @param page what was viewed
 * @param time event time, epoch milliseconds
 */
public record Click(String user, String page, long time) {}
